// Any path under /api/v1 that no route serves: a JSON 404 in the API's envelope, not the HTML page.
import { errorResponse } from "@/lib/api/route";
import { AppError } from "@/lib/errors";

export const dynamic = "force-dynamic";

const notFound = (req: Request) => errorResponse(new AppError("not_found", "No API endpoint at this path. See the README's REST API section."), {}, req);

export const GET = notFound;
export const POST = notFound;
export const PUT = notFound;
export const PATCH = notFound;
export const DELETE = notFound;
