import { apiRoute, otherMethods } from "@/lib/api/route";
import { MAX_JSON_IMAGE_REQUEST_BYTES } from "@/lib/limits";
import { forensicsDto } from "@/lib/api/dto";
import { readImageOnlyRequest } from "@/lib/api/detect-request";
import { analyseForensics } from "@/lib/detect/analyse-forensics";

export const dynamic = "force-dynamic";

/** The pixel-forensics maps alone (ELA, noise, ml) with their summaries, as inline PNGs. Nothing is stored. */
export const POST = apiRoute({ permission: "submit", scope: "detect", images: 1, maxBodyBytes: MAX_JSON_IMAGE_REQUEST_BYTES }, async (req, { actor, db, requestId, chargeImages }) => {
  const image = await readImageOnlyRequest(req);
  await chargeImages(1);
  return forensicsDto(await analyseForensics({ ctx: { db, actor, requestId }, input: { image } }), requestId);
});

/** The methods this path does not take: a JSON 405 naming the ones it does. */
export const { GET, PUT, PATCH, DELETE } = otherMethods(["POST"]);
