import { getDbHandle, pingDb } from "@/db";
import { ENGINE_VERSION } from "@/lib/detection/version";

export const dynamic = "force-dynamic";

export async function GET() {
  const handle = await getDbHandle();
  await pingDb(handle.db);
  return Response.json({ status: "ok", database: handle.kind, engine_version: ENGINE_VERSION });
}
