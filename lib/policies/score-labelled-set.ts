// Score an admin's labelled set (images known to be AI-generated or real) with the detection engine,
// for the policy editor's second ROC curve. Like the quick check it creates no case, image row, blob or
// cache row: the bytes stay in memory and only the scores come back. Bounded by MAX_LABELLED_SET_FILES
// and MAX_LABELLED_SET_BYTES (lib/limits.ts).
import { z } from "zod";
import type { LabelledScore } from "../analytics/roc";
import { writeAudit } from "../audit";
import { authorize, type Ctx } from "../context";
import { engineConcurrency, runEngine } from "../detect/engine";
import { AppError } from "../errors";
import { MAX_BYTES_LABEL, MAX_LABELLED_SET_BYTES, MAX_LABELLED_SET_FILES } from "../limits";

const labelledImage = z.object({ name: z.string().max(255), bytes: z.instanceof(Buffer) });
export const scoreLabelledSetInput = z.object({ ai: z.array(labelledImage), real: z.array(labelledImage) });
export type ScoreLabelledSetInput = z.input<typeof scoreLabelledSetInput>;

export interface LabelledSetResult {
  samples: LabelledScore[];
  /** Images the engine refused (not an image, corrupt, too large), with the error code; left out of the curve. */
  failed: { name: string; label: "ai" | "real"; code: string }[];
}

export async function scoreLabelledSet({ ctx, input }: { ctx: Ctx; input: ScoreLabelledSetInput }): Promise<LabelledSetResult> {
  authorize(ctx.actor, "managePolicies");
  const data = scoreLabelledSetInput.parse(input);
  const items = [...data.ai.map((f) => ({ ...f, label: "ai" as const })), ...data.real.map((f) => ({ ...f, label: "real" as const }))];
  if (data.ai.length === 0 || data.real.length === 0) {
    throw new AppError("invalid_request", "A labelled set needs images in both ai/ and real/.", { param: data.ai.length === 0 ? "ai" : "real" });
  }
  if (items.length > MAX_LABELLED_SET_FILES) {
    throw new AppError("too_many_files", `A labelled set holds at most ${MAX_LABELLED_SET_FILES} images; this one has ${items.length}.`, { param: "ai" });
  }
  const total = items.reduce((n, f) => n + f.bytes.length, 0);
  if (total > MAX_LABELLED_SET_BYTES) {
    throw new AppError("payload_too_large", `A labelled set holds at most ${MAX_BYTES_LABEL} in all.`, { param: "ai" });
  }
  const samples: LabelledScore[] = [];
  const failed: LabelledSetResult["failed"] = [];
  // As wide as the detection threads, like a batch request: the set never takes more cores than the worker may.
  let next = 0;
  const lanes = Array.from({ length: Math.max(1, Math.min(engineConcurrency(), items.length)) }, async () => {
    while (next < items.length) {
      const item = items[next++]!;
      const result = await runEngine(item.bytes, { heatmaps: false });
      if (result.ok) samples.push({ score: result.value.score, ai: item.label === "ai" });
      else failed.push({ name: item.name, label: item.label, code: result.error.code });
    }
  });
  await Promise.all(lanes);
  await writeAudit(ctx.db, ctx.actor, {
    action: "policy.labelled_set_scored",
    targetType: "policy",
    data: { ai: data.ai.length, real: data.real.length, bytes: total, failed: failed.length },
  });
  return { samples, failed };
}
