import { eq } from "drizzle-orm";
import { z } from "zod";
import { cases, DECISION_OUTCOMES, decisions, type Case, type Decision } from "../../db/schema";
import { writeAudit } from "../audit";
import { syncAutoListEntries } from "../lists/auto-add";
import { actorUserId, authorize, type Ctx } from "../context";
import { AppError } from "../errors";
import { newId } from "../ids";
import { text } from "../validation";
import { emitCaseReviewed } from "../webhooks/events";
import { transitionCase } from "./transition";

export const decideCaseInput = z.object({
  caseId: z.string().startsWith("case_"),
  outcome: z.enum(DECISION_OUTCOMES),
  note: text(2000).default("").transform((v) => v.trim()),
});
export type DecideCaseInput = z.input<typeof decideCaseInput>;

/**
 * A moderator's decision: records it (with the state it left, for an undo), moves the case to
 * `reviewed` and frees the moderator's claim on it.
 */
export async function decideCase({ ctx, input }: { ctx: Ctx; input: DecideCaseInput }): Promise<{ case: Case; decision: Decision }> {
  authorize(ctx.actor, "decide");
  const data = decideCaseInput.parse(input);
  const reviewerId = actorUserId(ctx.actor);
  if (!reviewerId) throw new AppError("forbidden");
  return ctx.db.transaction(async (tx) => {
    const [before] = await tx.select({ state: cases.state }).from(cases).where(eq(cases.id, data.caseId)).for("update");
    const row = await transitionCase(tx, ctx.actor, {
      caseId: data.caseId,
      to: "reviewed",
      patch: { reviewedAt: new Date(), claimedBy: null, claimExpiresAt: null },
      reason: "decision",
      data: { outcome: data.outcome },
    });
    const [decision] = await tx
      .insert(decisions)
      .values({ id: newId("decision"), caseId: data.caseId, reviewerId, outcome: data.outcome, note: data.note, previousState: before?.state ?? null })
      .returning();
    await writeAudit(tx, ctx.actor, { action: "case.decided", caseId: data.caseId, data: { decisionId: decision!.id, outcome: data.outcome, note: data.note } });
    await emitCaseReviewed(tx, row, decision!);
    // Lists that add images by their decision follow the decision in force (lib/lists/auto-add.ts).
    await syncAutoListEntries(tx, ctx.actor, data.caseId);
    return { case: row, decision: decision! };
  });
}
