import { otherMethods } from "@/lib/api/route";
import { getDbHandle, pingDb } from "@/db";
import { detectionThreadStats, ENGINE_VERSION, inspectModelFile } from "@/lib/detection";

export const dynamic = "force-dynamic";

export async function GET() {
  const handle = await getDbHandle();
  await pingDb(handle.db);
  // The detector file as installed (reasons and paths go to the worker's log, not to this public
  // endpoint), and the detection threads of this process's scan worker (null: no in-process worker,
  // or inline scanning).
  const model = await inspectModelFile();
  return Response.json({
    status: "ok",
    database: handle.kind,
    engine_version: ENGINE_VERSION,
    detector_model: model.status === "ok" ? model : { status: model.status },
    detection_threads: detectionThreadStats(),
  });
}

/** The methods this path does not take: a JSON 405 naming the ones it does. */
export const { POST, PUT, PATCH, DELETE } = otherMethods(["GET"]);
