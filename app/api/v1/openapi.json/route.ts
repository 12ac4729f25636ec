// The OpenAPI 3.1 document of this API (lib/api/openapi.ts). Public, like /api/v1/health.
import { otherMethods, withApiHeaders } from "@/lib/api/route";
import { OPENAPI_DOCUMENT } from "@/lib/api/openapi";

export const dynamic = "force-dynamic";

export function GET(req: Request) {
  return withApiHeaders(Response.json(OPENAPI_DOCUMENT, { headers: { "cache-control": "public, max-age=300" } }), req);
}

/** The methods this path does not take: a JSON 405 naming the ones it does. */
export const { POST, PUT, PATCH, DELETE } = otherMethods(["GET"]);
