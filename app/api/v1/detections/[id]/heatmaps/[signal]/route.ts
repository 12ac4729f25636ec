import { apiRoute, otherMethods } from "@/lib/api/route";
import { imageResponse } from "@/lib/api/image-response";
import { getDetectionHeatmap } from "@/lib/detect/queries";

export const dynamic = "force-dynamic";

/** A cached detection's heatmap PNG: the `url` that POST /detect hands out with include_heatmaps=urls. */
export const GET = apiRoute<{ id: string; signal: string }>({ permission: "submit", scope: "detect" }, async (_req, { db, params }) => {
  return imageResponse(await getDetectionHeatmap(db, params.id, params.signal), "private, max-age=31536000, immutable");
});

/** The methods this path does not take: a JSON 405 naming the ones it does. */
export const { POST, PUT, PATCH, DELETE } = otherMethods(["GET"]);
