// Batch detection (POST /api/v1/detect/batch): up to MAX_FILES_PER_BATCH images, each detected as by
// detectImage, at most as many at a time as the detection threads (more would only queue in the pool
// while holding every image's bytes). One item's failure is that item's error, never the batch's.
import { z } from "zod";
import type { Db } from "../../db";
import { authorize, type Ctx } from "../context";
import { AppError, normaliseError } from "../errors";
import { MAX_FILES_PER_BATCH } from "../limits";
import { detectImage, type DetectDeps, type DetectOutcome } from "./detect-image";
import { engineConcurrency } from "./engine";
import type { ImageSource } from "./image-source";
import type { DetectOptionsInput } from "./options";

export interface BatchItem {
  /** Absent when the request already showed the item is unusable: then `error` says why. */
  image?: ImageSource;
  error?: AppError;
  /** This item's metadata; the batch's own `metadata` option otherwise. */
  metadata?: unknown;
}

export const detectBatchInput = z.object({
  items: z.array(z.custom<BatchItem>((v) => typeof v === "object" && v !== null)),
  options: z.custom<DetectOptionsInput>((v) => typeof v === "object" && v !== null).default({}),
});
export type DetectBatchInput = z.input<typeof detectBatchInput>;

export type BatchResult = { ok: true; outcome: DetectOutcome } | { ok: false; error: AppError };

/** `policy`: as detectImage's, resolved once for every item. */
export async function detectBatch(
  { ctx, input, policy }: { ctx: Ctx & { db: Db }; input: DetectBatchInput; policy?: Parameters<typeof detectImage>[0]["policy"] },
  deps: DetectDeps = {},
): Promise<BatchResult[]> {
  authorize(ctx.actor, "submit");
  const data = detectBatchInput.parse(input);
  if (data.items.length === 0) throw new AppError("invalid_request", "Send at least one image.", { param: "items" });
  if (data.items.length > MAX_FILES_PER_BATCH) {
    throw new AppError("too_many_files", `A batch holds at most ${MAX_FILES_PER_BATCH} images; this one has ${data.items.length}.`, { param: "items" });
  }
  const results: BatchResult[] = new Array(data.items.length);
  let next = 0;
  const lane = async () => {
    for (let i = next++; i < data.items.length; i = next++) {
      const item = data.items[i]!;
      if (!item.image) {
        results[i] = { ok: false, error: item.error ?? new AppError("invalid_request", "No image in this item.", { param: `items.${i}` }) };
        continue;
      }
      const options = item.metadata === undefined ? data.options : { ...data.options, metadata: item.metadata as DetectOptionsInput["metadata"] };
      try {
        results[i] = { ok: true, outcome: await detectImage({ ctx, input: { image: item.image, options }, policy }, deps) };
      } catch (err) {
        results[i] = { ok: false, error: normaliseError(err) };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(engineConcurrency(), data.items.length) }, lane));
  return results;
}
