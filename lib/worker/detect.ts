// The engine as every worker mode runs it: in this process's detection threads (the default) or
// inline when the operator turned threads off.
import { inspectModelFile, processDetectionPool, runDetection, type DetectionPool } from "../detection";
import { env, paths } from "../env";
import type { DetectFn } from "./scan-case";

/** This process's detection threads as the operator configured them; null when off or unavailable. */
function detectionPool(log: (msg: string) => void): DetectionPool | null {
  if (!env.LOUPE_DETECTION_THREADS) return null;
  return processDetectionPool({ threads: env.LOUPE_WORKER_CONCURRENCY, timeoutMs: env.LOUPE_SCAN_TIMEOUT_SECONDS * 1000 }, log);
}

export function defaultDetect(log: (msg: string) => void): DetectFn {
  return async (bytes) => {
    const pool = detectionPool(log);
    if (pool) return pool.detect(bytes, { heatmaps: true });
    return runDetection(bytes, { heatmaps: true });
  };
}

/**
 * Starts the detection threads (engine and model loaded) before the first case arrives, and says
 * when scans will run without the learned detector (a wrong MODEL_PATH would otherwise only show as
 * "not run" on every case).
 */
export function warmDetection(log: (msg: string) => void): void {
  void inspectModelFile().then((m) =>
    log(
      m.status === "ok"
        ? `detector model ${m.version}`
        : m.status === "missing"
          ? `no detector model at ${paths.model}: scans run without the ml signal (set MODEL_PATH)`
          : `detector model unusable, the ml signal will fail on every scan: ${m.error}`,
    ),
  );
  try {
    detectionPool(log)?.warm();
  } catch (err) {
    log(`detection threads did not start: ${(err as Error).message}`);
  }
}
