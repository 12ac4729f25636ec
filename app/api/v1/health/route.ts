import { getDbHandle } from "@/db";
import { otherMethods } from "@/lib/api/route";
import { healthReport } from "@/lib/health";

export const dynamic = "force-dynamic";

export async function GET() {
  const r = await healthReport(getDbHandle);
  return Response.json(r.body, { status: r.status, headers: r.headers });
}

/** The methods this path does not take: a JSON 405 naming the ones it does. */
export const { POST, PUT, PATCH, DELETE } = otherMethods(["GET"]);
