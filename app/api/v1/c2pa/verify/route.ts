import { apiRoute, otherMethods } from "@/lib/api/route";
import { MAX_JSON_IMAGE_REQUEST_BYTES } from "@/lib/limits";
import { c2paVerifyDto } from "@/lib/api/dto";
import { readImageOnlyRequest } from "@/lib/api/detect-request";
import { verifyC2pa } from "@/lib/detect/verify-c2pa";

export const dynamic = "force-dynamic";

/** The Content Credentials (C2PA) result alone, validated offline. Nothing is stored. */
export const POST = apiRoute({ permission: "submit", scope: "detect", images: 1, maxBodyBytes: MAX_JSON_IMAGE_REQUEST_BYTES }, async (req, { actor, db, requestId, chargeImages }) => {
  const image = await readImageOnlyRequest(req);
  await chargeImages(1);
  return c2paVerifyDto(await verifyC2pa({ ctx: { db, actor, requestId }, input: { image } }), requestId);
});

/** The methods this path does not take: a JSON 405 naming the ones it does. */
export const { GET, PUT, PATCH, DELETE } = otherMethods(["POST"]);
