import { apiRoute, otherMethods } from "@/lib/api/route";
import { getCaseDisplayImage, getCaseOriginal } from "@/lib/cases/case-media";
import { imageResponse } from "@/lib/api/image-response";

export const dynamic = "force-dynamic";

/** The original bytes; `?variant=display` gives what the case page shows (upright, browser-readable). */
export const GET = apiRoute<{ id: string }>({ permission: "viewQueue", scope: "cases:read" }, async (req, { db, params }) => {
  const display = new URL(req.url).searchParams.get("variant") === "display";
  const media = display ? await getCaseDisplayImage(db, params.id) : await getCaseOriginal(db, params.id);
  return imageResponse(media, "private, max-age=31536000, immutable");
});

/** The methods this path does not take: a JSON 405 naming the ones it does. */
export const { POST, PUT, PATCH, DELETE } = otherMethods(["GET"]);
