"use server";

import { revalidatePath } from "next/cache";
import { authedAction } from "@/lib/actions";
import { applyDuplicateDecision } from "@/lib/cases/apply-duplicate-decision";
import { applySameDecisionInput } from "./duplicate.validation";

/** Decide this case as its decided duplicate was decided (the verb checks they are duplicates). */
export const applySameDecisionAction = authedAction("decide", applySameDecisionInput, async (input, ctx) => {
  const { case: c, decision } = await applyDuplicateDecision({ ctx, input });
  revalidatePath(`/cases/${c.id}`);
  return { state: c.state, outcome: decision.outcome };
});
