"use server";

import { revalidatePath } from "next/cache";
import { authedAction } from "@/lib/actions";
import { amendDecision } from "@/lib/cases/amend-decision";
import { claimNextCase, extendClaim } from "@/lib/cases/claim-case";
import { decideCase } from "@/lib/cases/decide-case";
import { rescanCase } from "@/lib/cases/rescan-case";
import { undoDecision } from "@/lib/cases/undo-decision";
import { caseRef, claimInput, decisionForm, rescanInput, undoInput } from "./decision.validation";

/**
 * Records (or amends) a decision. With `advance`, it also claims the moderator's next case, so the
 * console moves on by itself (decide-and-next).
 */
export const decideAction = authedAction("decide", decisionForm, async (input, ctx) => {
  const { mode, advance, ...data } = input;
  const decision =
    mode === "amend"
      ? (await amendDecision({ ctx, input: data })).decision
      : (await decideCase({ ctx, input: { caseId: data.caseId, outcome: data.outcome, note: data.note } })).decision;
  revalidatePath(`/cases/${data.caseId}`);
  const nextId = advance === "1" ? await claimNextCase({ ctx, input: {} }) : null;
  return { caseId: data.caseId, decisionId: decision.id, outcome: decision.outcome, mode, nextId };
});

export const rescanAction = authedAction("rescan", rescanInput, async (input, ctx) => {
  const c = await rescanCase({ ctx, input });
  revalidatePath(`/cases/${c.id}`);
  return { state: c.state };
});

/** The next case of the moderator's queue, claimed for them ("Start reviewing", `j`). */
export const claimNextAction = authedAction("decide", claimInput, async (input, ctx) => ({ caseId: await claimNextCase({ ctx, input }) }));

/** Keeps the moderator's claim alive while the case stays open. */
export const extendClaimAction = authedAction("decide", caseRef, async (input, ctx) => ({ held: await extendClaim({ ctx, input }) }));

export const undoDecisionAction = authedAction("decide", undoInput, async (input, ctx) => {
  const { caseId } = await undoDecision({ ctx, input });
  revalidatePath(`/cases/${caseId}`);
  return { caseId };
});
