import { z } from "zod";
import { apiRoute, otherMethods, parseOrThrow } from "@/lib/api/route";
import { getCaseDisplayImage, getCaseOriginal, getCaseThumbnail } from "@/lib/cases/case-media";
import { imageResponse } from "@/lib/api/image-response";

export const dynamic = "force-dynamic";

const variantQuery = z.object({ variant: z.enum(["display", "thumbnail"]).optional() });

/**
 * The original bytes; `?variant=display` gives what the case page shows (upright, browser-readable),
 * `?variant=thumbnail` the queue's small upright WebP.
 */
export const GET = apiRoute<{ id: string }>({ permission: "viewQueue", scope: "cases:read" }, async (req, { db, params }) => {
  const { variant } = parseOrThrow(variantQuery, Object.fromEntries(new URL(req.url).searchParams));
  const media = variant === "display" ? await getCaseDisplayImage(db, params.id) : variant === "thumbnail" ? await getCaseThumbnail(db, params.id) : await getCaseOriginal(db, params.id);
  return imageResponse(media, "private, max-age=31536000, immutable");
});

/** The methods this path does not take: a JSON 405 naming the ones it does. */
export const { POST, PUT, PATCH, DELETE } = otherMethods(["GET"]);
