// When a failed webhook delivery is tried again: exponential (WEBHOOK_BACKOFF_FACTOR per retry from
// LOUPE_WEBHOOK_RETRY_BASE_MS) with ±20% jitter, so endpoints that failed together do not all retry
// in the same second. After WEBHOOK_MAX_RETRIES retries the delivery gives up.
import { WEBHOOK_BACKOFF_FACTOR, WEBHOOK_MAX_RETRIES } from "../limits";

export const JITTER = 0.2;

/**
 * Milliseconds to wait after failed attempt `attempt` (1-based), or null when that was the last one.
 * `random` is in [0, 1) (Math.random by default).
 */
export function retryDelayMs(attempt: number, baseMs: number, random: () => number = Math.random): number | null {
  if (attempt < 1 || attempt > WEBHOOK_MAX_RETRIES) return null;
  const nominal = baseMs * WEBHOOK_BACKOFF_FACTOR ** (attempt - 1);
  return Math.round(nominal * (1 - JITTER + 2 * JITTER * random()));
}

/** The nominal (jitter-free) waits, for documentation and the admin page. */
export function retrySchedule(baseMs: number): number[] {
  return Array.from({ length: WEBHOOK_MAX_RETRIES }, (_, i) => baseMs * WEBHOOK_BACKOFF_FACTOR ** i);
}
