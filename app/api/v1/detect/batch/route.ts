import { apiRoute, otherMethods } from "@/lib/api/route";
import { batchDto } from "@/lib/api/dto";
import { readBatchRequest } from "@/lib/api/detect-request";
import { detectBatch } from "@/lib/detect/detect-batch";
import { MAX_BATCH_REQUEST_BYTES } from "@/lib/limits";

export const dynamic = "force-dynamic";

/**
 * Up to 100 images (repeated multipart `image`/`file` parts, or JSON `items`), each detected as by
 * POST /detect. 207: one entry per item, in input order, with its result or its error envelope.
 */
export const POST = apiRoute({ permission: "submit", scope: "detect", maxBodyBytes: MAX_BATCH_REQUEST_BYTES, policyOrigin: "api" }, async (req, { db, actor, requestId, chargeImages, policy }) => {
  const { items, options } = await readBatchRequest(req);
  // Every item counts against the monthly quota, as one request would.
  await chargeImages(items.length);
  const results = await detectBatch({ ctx: { db, actor, requestId }, input: { items, options }, policy });
  return Response.json(batchDto(results, requestId), { status: 207 });
});

/** The methods this path does not take: a JSON 405 naming the ones it does. */
export const { GET, PUT, PATCH, DELETE } = otherMethods(["POST"]);
