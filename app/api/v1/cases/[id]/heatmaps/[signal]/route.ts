import { apiRoute, otherMethods } from "@/lib/api/route";
import { getCaseHeatmap } from "@/lib/cases/case-media";
import { imageResponse } from "@/lib/api/image-response";

export const dynamic = "force-dynamic";

/** A signal's heatmap PNG: of `?detection=det_…` (immutable), or of the case's latest detection. */
export const GET = apiRoute<{ id: string; signal: string }>({ permission: "viewQueue", scope: "cases:read" }, async (req, { db, params }) => {
  const detectionId = new URL(req.url).searchParams.get("detection") ?? undefined;
  const media = await getCaseHeatmap(db, params.id, params.signal, detectionId);
  return imageResponse(media, detectionId ? "private, max-age=31536000, immutable" : "private, no-cache");
});

/** The methods this path does not take: a JSON 405 naming the ones it does. */
export const { POST, PUT, PATCH, DELETE } = otherMethods(["GET"]);
