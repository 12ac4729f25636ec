"use server";

import { revalidatePath } from "next/cache";
import { getDb } from "@/db";
import { runAction, type ActionResult } from "@/lib/actions";
import { PERMISSIONS } from "@/lib/auth/roles";
import { requireActor } from "@/lib/auth/session";
import { savePolicy } from "@/lib/policies/save-policy";

export async function savePolicyAction(_prev: ActionResult<{ name: string }> | undefined, form: FormData): Promise<ActionResult<{ name: string }>> {
  return runAction(async () => {
    const actor = await requireActor(PERMISSIONS.managePolicies);
    const id = String(form.get("id") ?? "");
    const policy = await savePolicy({
      ctx: { db: await getDb(), actor },
      input: {
        id: id || undefined,
        name: String(form.get("name") ?? ""),
        description: String(form.get("description") ?? ""),
        quarantineThreshold: Number(form.get("quarantineThreshold")),
        inconclusiveAction: String(form.get("inconclusiveAction")) as "quarantine",
        isDefault: form.get("isDefault") === "on",
      },
    });
    revalidatePath("/admin/policies");
    return { name: policy.name };
  });
}
