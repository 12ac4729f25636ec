// The engine as every worker mode runs it: in this process's detection threads (shared with the
// synchronous detection API, lib/detect/engine.ts) or inline when the operator turned threads off.
import { inspectModelFile } from "../detection";
import { runEngine, sharedDetectionPool } from "../detect/engine";
import { paths } from "../env";
import type { DetectFn } from "./scan-case";

export function defaultDetect(log: (msg: string) => void): DetectFn {
  return (bytes, predecoded) => runEngine(bytes, { heatmaps: true, predecoded }, log);
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
    sharedDetectionPool(log)?.warm();
  } catch (err) {
    log(`detection threads did not start: ${(err as Error).message}`);
  }
}
