"use server";

import { revalidatePath } from "next/cache";
import { authedAction } from "@/lib/actions";
import { decideCase } from "@/lib/cases/decide-case";
import { rescanCase } from "@/lib/cases/rescan-case";
import { decisionForm, rescanInput } from "./decision.validation";

export const decideAction = authedAction("decide", decisionForm, async (input, ctx) => {
  const { case: c } = await decideCase({ ctx, input });
  revalidatePath(`/cases/${c.id}`);
  return { state: c.state };
});

export const rescanAction = authedAction("rescan", rescanInput, async (input, ctx) => {
  const c = await rescanCase({ ctx, input });
  revalidatePath(`/cases/${c.id}`);
  return { state: c.state };
});
