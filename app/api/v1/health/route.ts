import { getDbHandle, pingDb } from "@/db";
import { ENGINE_VERSION } from "@/lib/detection/version";
import { detectionThreadStats } from "@/lib/worker/worker";

export const dynamic = "force-dynamic";

export async function GET() {
  const handle = await getDbHandle();
  await pingDb(handle.db);
  // Detection threads of this process's scan worker (null: no in-process worker, or inline scanning).
  return Response.json({ status: "ok", database: handle.kind, engine_version: ENGINE_VERSION, detection_threads: detectionThreadStats() });
}
