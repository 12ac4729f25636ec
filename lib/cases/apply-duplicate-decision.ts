import { desc, eq } from "drizzle-orm";
import { z } from "zod";
import { cases, decisions, images, type Case, type Decision } from "../../db/schema";
import { authorize, type Ctx } from "../context";
import { AppError } from "../errors";
import { decideCase } from "./decide-case";
import { NEAR_DUPLICATE_MAX_DISTANCE } from "./near-duplicates";

export const applyDuplicateDecisionInput = z.object({
  caseId: z.string().startsWith("case_"),
  sourceCaseId: z.string().startsWith("case_"),
});

/** Bits that differ between two 64-bit hex dHashes. */
export function hammingDistance(a: string, b: string): number {
  let x = BigInt(`0x${a}`) ^ BigInt(`0x${b}`);
  let n = 0;
  while (x) {
    n += Number(x & 1n);
    x >>= 1n;
  }
  return n;
}

/**
 * Decide a case the way an earlier case of the same image (or a near-duplicate, by dHash as in
 * lib/cases/related-cases.ts) was decided: the source's latest outcome, recorded through `decideCase`
 * with a note naming the source, so the audit trail says where the decision came from.
 */
export async function applyDuplicateDecision({ ctx, input }: { ctx: Ctx; input: z.input<typeof applyDuplicateDecisionInput> }): Promise<{ case: Case; decision: Decision }> {
  authorize(ctx.actor, "decide");
  const data = applyDuplicateDecisionInput.parse(input);
  if (data.caseId === data.sourceCaseId) throw new AppError("invalid_request", "A case cannot copy its own decision.", { param: "sourceCaseId" });
  const pair = await ctx.db
    .select({ id: cases.id, imageId: images.id, phash: images.phash, informative: images.phashInformative })
    .from(cases)
    .innerJoin(images, eq(images.id, cases.imageId))
    .where(eq(cases.id, data.caseId))
    .union(
      ctx.db
        .select({ id: cases.id, imageId: images.id, phash: images.phash, informative: images.phashInformative })
        .from(cases)
        .innerJoin(images, eq(images.id, cases.imageId))
        .where(eq(cases.id, data.sourceCaseId)),
    );
  const target = pair.find((r) => r.id === data.caseId);
  const source = pair.find((r) => r.id === data.sourceCaseId);
  if (!target || !source) throw new AppError("not_found", "Case not found.");
  const same = target.imageId === source.imageId;
  const distance = same ? 0 : hammingDistance(target.phash, source.phash);
  if (!same && !(target.informative && source.informative && distance <= NEAR_DUPLICATE_MAX_DISTANCE)) {
    throw new AppError("invalid_request", "The other case is not a duplicate of this one.", { param: "sourceCaseId" });
  }
  const [latest] = await ctx.db.select({ outcome: decisions.outcome }).from(decisions).where(eq(decisions.caseId, data.sourceCaseId)).orderBy(desc(decisions.createdAt)).limit(1);
  if (!latest) throw new AppError("invalid_request", "The other case has no decision to apply.", { param: "sourceCaseId" });
  const why = same ? "same image" : `near-duplicate image, dHash distance ${distance}`;
  return decideCase({ ctx, input: { caseId: data.caseId, outcome: latest.outcome, note: `Same decision as ${data.sourceCaseId} (${why}).` } });
}
