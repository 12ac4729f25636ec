// This process's detection threads: one pool shared by every worker slot in the process (kept on
// globalThis so Next's dev reloads do not start a second one), created on first use.
import { createDetectionPool, type DetectionPool, type DetectionPoolOptions } from "./pool";

const shared = globalThis as unknown as { __loupeDetectionPool?: DetectionPool | null };

/**
 * The process's pool, created with `options` on the first call; null when threads cannot start here
 * (their files are missing), in which case callers run the engine inline. `log` hears why.
 */
export function processDetectionPool(options: DetectionPoolOptions, log: (msg: string) => void): DetectionPool | null {
  if (shared.__loupeDetectionPool === undefined) {
    try {
      shared.__loupeDetectionPool = createDetectionPool(options);
    } catch (err) {
      log(`detection threads unavailable, scanning inline: ${(err as Error).message}`);
      shared.__loupeDetectionPool = null;
    }
  }
  return shared.__loupeDetectionPool;
}

/** The process's detection threads, for the health endpoint; null when none were created here. */
export function detectionThreadStats(): ReturnType<DetectionPool["stats"]> | null {
  return shared.__loupeDetectionPool?.stats() ?? null;
}
