import { apiRoute, otherMethods } from "@/lib/api/route";
import { detectResultDto } from "@/lib/api/dto";
import { readDetectRequest } from "@/lib/api/detect-request";
import { detectImage } from "@/lib/detect/detect-image";
import { MAX_JSON_IMAGE_REQUEST_BYTES } from "@/lib/limits";

export const dynamic = "force-dynamic";

/**
 * Synchronous detection: one image (multipart `image`/`file`, raw bytes, or JSON `image_url` /
 * `image_base64`) in, the full result out (README, "API"). Options: signals, include_heatmaps, policy,
 * metadata, retention, create_case.
 */
// A JSON body may carry the image in base64 (4/3 of its size): the route allows that much.
export const POST = apiRoute({ permission: "submit", scope: "detect", images: 1, maxBodyBytes: MAX_JSON_IMAGE_REQUEST_BYTES, policyOrigin: "api" }, async (req, { db, actor, requestId, chargeImages, policy }) => {
  const { image, options } = await readDetectRequest(req);
  await chargeImages(1);
  const outcome = await detectImage({ ctx: { db, actor, requestId }, input: { image, options }, policy });
  return detectResultDto(outcome, requestId);
});

/** The methods this path does not take: a JSON 405 naming the ones it does. */
export const { GET, PUT, PATCH, DELETE } = otherMethods(["POST"]);
