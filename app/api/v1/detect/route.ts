import { apiRoute, otherMethods } from "@/lib/api/route";
import { detectResultDto } from "@/lib/api/dto";
import { readDetectRequest } from "@/lib/api/detect-request";
import { detectImage } from "@/lib/detect/detect-image";
import { pokeInProcessWorker } from "@/lib/worker/in-process";

export const dynamic = "force-dynamic";

/**
 * Synchronous detection: one image (multipart `image`/`file`, raw bytes, or JSON `image_url` /
 * `image_base64`) in, the full result out (README, "API"). Options: signals, include_heatmaps, policy,
 * metadata, retention, create_case.
 */
export const POST = apiRoute("submit", async (req, { db, actor, requestId }) => {
  const { image, options } = await readDetectRequest(req);
  const outcome = await detectImage({ ctx: { db, actor, requestId }, input: { image, options } });
  if (outcome.created && !outcome.created.scannedHere) pokeInProcessWorker();
  return detectResultDto(outcome, requestId);
});

/** The methods this path does not take: a JSON 405 naming the ones it does. */
export const { GET, PUT, PATCH, DELETE } = otherMethods(["POST"]);
