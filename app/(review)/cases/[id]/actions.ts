"use server";

import { revalidatePath } from "next/cache";
import { getDb } from "@/db";
import { runAction, type ActionResult } from "@/lib/actions";
import { PERMISSIONS } from "@/lib/auth/roles";
import { requireActor } from "@/lib/auth/session";
import { decideCase } from "@/lib/cases/decide-case";
import { rescanCase } from "@/lib/cases/rescan-case";
import { pokeInProcessWorker } from "@/lib/worker/in-process";
import { decisionForm } from "./decision.validation";

export async function decideAction(_prev: ActionResult<{ state: string }> | undefined, form: FormData): Promise<ActionResult<{ state: string }>> {
  return runAction(async () => {
    const actor = await requireActor(PERMISSIONS.decide);
    const input = decisionForm.parse({ caseId: form.get("caseId"), outcome: form.get("outcome"), note: form.get("note") ?? "" });
    const { case: c } = await decideCase({ ctx: { db: await getDb(), actor }, input });
    revalidatePath(`/cases/${c.id}`);
    return { state: c.state };
  });
}

export async function rescanAction(caseId: string): Promise<ActionResult<{ state: string }>> {
  return runAction(async () => {
    const actor = await requireActor(PERMISSIONS.rescan);
    const c = await rescanCase({ ctx: { db: await getDb(), actor }, input: { caseId } });
    pokeInProcessWorker();
    revalidatePath(`/cases/${c.id}`);
    return { state: c.state };
  });
}
