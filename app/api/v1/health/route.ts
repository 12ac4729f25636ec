import { getDbHandle } from "@/db";
import { otherMethods, withApiHeaders } from "@/lib/api/route";
import { healthReport } from "@/lib/health";

export const dynamic = "force-dynamic";

export async function GET(req: Request) {
  const r = await healthReport(getDbHandle);
  return withApiHeaders(Response.json(r.body, { status: r.status, headers: r.headers }), req);
}

/** The methods this path does not take: a JSON 405 naming the ones it does. */
export const { POST, PUT, PATCH, DELETE } = otherMethods(["GET"]);
