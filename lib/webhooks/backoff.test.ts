import { describe, expect, it } from "vitest";
import { WEBHOOK_MAX_RETRIES } from "../limits";
import { JITTER, retryDelayMs, retrySchedule } from "./backoff";

const DEFAULT_BASE = 56_000; // LOUPE_WEBHOOK_RETRY_BASE_MS's default (lib/env.ts)
const HOUR = 3_600_000;

describe("webhook retry schedule", () => {
  it("has five retries growing exponentially, about 24 hours in all", () => {
    const s = retrySchedule(DEFAULT_BASE);
    expect(s).toHaveLength(5);
    for (let i = 1; i < s.length; i++) expect(s[i]! / s[i - 1]!).toBe(6);
    const total = s.reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThan(22 * HOUR);
    expect(total).toBeLessThan(26 * HOUR);
  });

  it("gives up after the last retry", () => {
    expect(retryDelayMs(WEBHOOK_MAX_RETRIES, DEFAULT_BASE, () => 0.5)).not.toBeNull();
    expect(retryDelayMs(WEBHOOK_MAX_RETRIES + 1, DEFAULT_BASE, () => 0.5)).toBeNull();
    expect(retryDelayMs(0, DEFAULT_BASE)).toBeNull();
  });

  it.each([1, 2, 3, 4, 5])("jitters retry %i within ±20%% of the nominal wait", (attempt) => {
    const nominal = retrySchedule(DEFAULT_BASE)[attempt - 1]!;
    expect(retryDelayMs(attempt, DEFAULT_BASE, () => 0.5)).toBe(nominal);
    expect(retryDelayMs(attempt, DEFAULT_BASE, () => 0)).toBe(Math.round(nominal * (1 - JITTER)));
    expect(retryDelayMs(attempt, DEFAULT_BASE, () => 0.999999)).toBeLessThanOrEqual(Math.round(nominal * (1 + JITTER)));
    const draws = new Set(Array.from({ length: 20 }, () => retryDelayMs(attempt, DEFAULT_BASE)));
    expect(draws.size).toBeGreaterThan(1);
  });
});
