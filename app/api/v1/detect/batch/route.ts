import { apiRoute, otherMethods } from "@/lib/api/route";
import { batchItemDto } from "@/lib/api/dto";
import { readBatchRequest } from "@/lib/api/detect-request";
import { detectBatch } from "@/lib/detect/detect-batch";
import { pokeInProcessWorker } from "@/lib/worker/in-process";

export const dynamic = "force-dynamic";

/**
 * Up to 100 images (repeated multipart `image`/`file` parts, or JSON `items`), each detected as by
 * POST /detect. 207: one entry per item, in input order, with its result or its error envelope.
 */
export const POST = apiRoute("submit", async (req, { db, actor, requestId }) => {
  const { items, options } = await readBatchRequest(req);
  const results = await detectBatch({ ctx: { db, actor, requestId }, input: { items, options } });
  if (results.some((r) => r.ok && r.outcome.created && !r.outcome.created.scannedHere)) pokeInProcessWorker();
  const data = results.map((r, i) => batchItemDto(i, r, requestId));
  return Response.json(
    { data, succeeded: results.filter((r) => r.ok).length, failed: results.filter((r) => !r.ok).length, request_id: requestId },
    { status: 207 },
  );
});

/** The methods this path does not take: a JSON 405 naming the ones it does. */
export const { GET, PUT, PATCH, DELETE } = otherMethods(["POST"]);
