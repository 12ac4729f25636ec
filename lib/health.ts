// The health report behind GET /api/v1/health: 200 with the database kind, engine, detector model and
// detection threads when the database answers; 503 `{"status":"unavailable","database":"down"}` with
// Retry-After when it does not.
import { pingDb, type DbHandle } from "../db";
import { detectionThreadStats, ENGINE_VERSION, inspectModelFile, type ModelFileStatus } from "./detection";
import { describeError } from "./log";
import { isDatabaseUnavailable, RETRY_AFTER_SECONDS } from "./errors";

/** GET /api/v1/health's body: ok with what this process runs, or the database unreachable (503). */
export type HealthBody =
  | { status: "ok"; database: DbHandle["kind"]; engine_version: string; detector_model: ModelFileStatus | { status: ModelFileStatus["status"] }; detection_threads: ReturnType<typeof detectionThreadStats> }
  | { status: "unavailable"; database: "down"; engine_version: string };

export async function healthReport(handle: () => Promise<DbHandle>): Promise<{ status: number; headers: Record<string, string>; body: HealthBody }> {
  let kind: DbHandle["kind"];
  try {
    const h = await handle();
    await pingDb(h.db);
    kind = h.kind;
  } catch (err) {
    if (!isDatabaseUnavailable(err)) throw err;
    console.error(`[loupe] health: database unavailable: ${describeError(err)}`);
    return { status: 503, headers: { "retry-after": String(RETRY_AFTER_SECONDS) }, body: { status: "unavailable", database: "down", engine_version: ENGINE_VERSION } };
  }
  // The detector file as installed (reasons and paths go to the worker's log, not to this public
  // endpoint), and the detection threads of this process's scan worker (null: no in-process worker,
  // or inline scanning).
  const model = await inspectModelFile();
  return {
    status: 200,
    headers: {},
    body: {
      status: "ok",
      database: kind,
      engine_version: ENGINE_VERSION,
      detector_model: model.status === "ok" ? model : { status: model.status },
      detection_threads: detectionThreadStats(),
    },
  };
}
