import { getDbHandle } from "@/db";
import { errorResponse, otherMethods, withApiHeaders } from "@/lib/api/route";
import { normaliseError } from "@/lib/errors";
import { healthReport } from "@/lib/health";

export const dynamic = "force-dynamic";

export async function GET(req: Request) {
  try {
    const r = await healthReport(getDbHandle);
    return withApiHeaders(Response.json(r.body, { status: r.status, headers: r.headers }), req);
  } catch (err) {
    // Not an unreachable database (that is the 503 above) but a failed one (a database that does not
    // exist, a refused login): the JSON envelope, the details in the log.
    return errorResponse(normaliseError(err), {}, req);
  }
}

/** The methods this path does not take: a JSON 405 naming the ones it does. */
export const { POST, PUT, PATCH, DELETE } = otherMethods(["GET"]);
