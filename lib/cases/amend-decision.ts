import { and, desc, eq, isNull, sql } from "drizzle-orm";
import { z } from "zod";
import { cases, DECISION_OUTCOMES, decisions, type Decision } from "../../db/schema";
import { writeAudit } from "../audit";
import { syncAutoListEntries } from "../lists/auto-add";
import { actorUserId, authorize, type Ctx } from "../context";
import { AppError } from "../errors";
import { newId } from "../ids";
import { text } from "../validation";

export const amendDecisionInput = z.object({
  caseId: z.string().startsWith("case_"),
  outcome: z.enum(DECISION_OUTCOMES),
  note: text(2000).default("").transform((v) => v.trim()),
});

/**
 * Changes the decision on a reviewed case: a new decision row that supersedes the one in force,
 * which is kept (the record shows both, and the audit who changed what). The case stays `reviewed`.
 */
export async function amendDecision({ ctx, input }: { ctx: Ctx; input: z.input<typeof amendDecisionInput> }): Promise<{ decision: Decision; supersedes: Decision }> {
  authorize(ctx.actor, "decide");
  const data = amendDecisionInput.parse(input);
  const me = actorUserId(ctx.actor);
  if (!me) throw new AppError("forbidden");
  return ctx.db.transaction(async (tx) => {
    const [c] = await tx.select({ state: cases.state }).from(cases).where(eq(cases.id, data.caseId)).for("update");
    if (!c) throw new AppError("not_found", "Case not found.");
    if (c.state !== "reviewed") throw new AppError("invalid_transition", `Case is ${c.state}; only a reviewed case has a decision to amend.`);
    const [current] = await tx
      .select()
      .from(decisions)
      .where(and(eq(decisions.caseId, data.caseId), isNull(decisions.undoneAt)))
      .orderBy(desc(decisions.createdAt), desc(decisions.id))
      .limit(1);
    if (!current) throw new AppError("conflict", "This case has no decision in force to amend.");
    const [decision] = await tx
      .insert(decisions)
      .values({ id: newId("decision"), caseId: data.caseId, reviewerId: me, outcome: data.outcome, note: data.note, supersedesId: current.id })
      .returning();
    await tx.update(cases).set({ updatedAt: sql`now()` as unknown as Date }).where(eq(cases.id, data.caseId));
    // Lists that add images by their decision follow the decision in force (lib/lists/auto-add.ts).
    await syncAutoListEntries(tx, ctx.actor, data.caseId);
    await writeAudit(tx, ctx.actor, {
      action: "case.decision_amended",
      caseId: data.caseId,
      data: { decisionId: decision!.id, supersedes: current.id, from: current.outcome, to: data.outcome, note: data.note },
    });
    return { decision: decision!, supersedes: current };
  });
}
