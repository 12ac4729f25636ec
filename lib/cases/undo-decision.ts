import { and, desc, eq, isNull, sql } from "drizzle-orm";
import { z } from "zod";
import { cases, decisions, type Decision } from "../../db/schema";
import { writeAudit } from "../audit";
import { syncAutoListEntries } from "../lists/auto-add";
import { actorUserId, authorize, type Ctx } from "../context";
import { AppError } from "../errors";
import { DECISION_UNDO_MS, REVIEW_CLAIM_MS } from "../limits";
import { transitionCase } from "./transition";

export const undoDecisionInput = z.object({ decisionId: z.string().startsWith("dec_") });

/**
 * Takes back one's own decision within DECISION_UNDO_MS of recording it (the `u` key right after a
 * mis-key). The row stays, marked undone, and the case returns to the state the decision left, claimed
 * again by the same moderator so it comes straight back to them. Undoing an amendment leaves the case
 * reviewed: the decision it superseded applies again. After the window a decision can only be amended.
 */
export async function undoDecision({ ctx, input }: { ctx: Ctx; input: z.input<typeof undoDecisionInput> }): Promise<{ caseId: string; decision: Decision }> {
  authorize(ctx.actor, "decide");
  const data = undoDecisionInput.parse(input);
  const me = actorUserId(ctx.actor);
  if (!me) throw new AppError("forbidden");
  return ctx.db.transaction(async (tx) => {
    const [d] = await tx
      .select({ decision: decisions, fresh: sql<boolean>`${decisions.createdAt} > now() - make_interval(secs => ${DECISION_UNDO_MS / 1000})` })
      .from(decisions)
      .where(eq(decisions.id, data.decisionId))
      .for("update");
    if (!d) throw new AppError("not_found", "Decision not found.");
    const dec = d.decision;
    if (dec.reviewerId !== me) throw new AppError("forbidden", "Only the moderator who recorded a decision can undo it.");
    if (dec.undoneAt) throw new AppError("conflict", "This decision has already been undone.");
    const [latest] = await tx
      .select({ id: decisions.id })
      .from(decisions)
      .where(and(eq(decisions.caseId, dec.caseId), isNull(decisions.undoneAt)))
      .orderBy(desc(decisions.createdAt), desc(decisions.id))
      .limit(1);
    if (latest?.id !== dec.id) throw new AppError("conflict", "A later decision on this case supersedes this one; amend the case instead.");
    if (!d.fresh) throw new AppError("conflict", `A decision can be undone for ${DECISION_UNDO_MS / 1000} seconds; amend it instead.`);
    if (!dec.supersedesId && !dec.previousState) throw new AppError("conflict", "This decision does not record the state it replaced; amend it instead.");

    const [undone] = await tx.update(decisions).set({ undoneAt: sql`now()` as unknown as Date }).where(eq(decisions.id, dec.id)).returning();
    if (!dec.supersedesId) {
      await transitionCase(tx, ctx.actor, {
        caseId: dec.caseId,
        to: dec.previousState!,
        from: ["reviewed"],
        patch: { reviewedAt: null, claimedBy: me, claimExpiresAt: sql`now() + make_interval(secs => ${REVIEW_CLAIM_MS / 1000})` as unknown as Date },
        reason: "decision_undone",
        data: { decisionId: dec.id },
      });
    } else {
      await tx.update(cases).set({ updatedAt: sql`now()` as unknown as Date }).where(eq(cases.id, dec.caseId));
    }
    await writeAudit(tx, ctx.actor, { action: "case.decision_undone", caseId: dec.caseId, data: { decisionId: dec.id, outcome: dec.outcome } });
    // Lists that add images by their decision follow the decision in force (lib/lists/auto-add.ts).
    await syncAutoListEntries(tx, ctx.actor, dec.caseId);
    return { caseId: dec.caseId, decision: undone! };
  });
}
