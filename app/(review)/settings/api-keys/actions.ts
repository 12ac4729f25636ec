"use server";

import { revalidatePath } from "next/cache";
import { getDb } from "@/db";
import { runAction, type ActionResult } from "@/lib/actions";
import { createApiKey } from "@/lib/api-keys/create-api-key";
import { revokeApiKey } from "@/lib/api-keys/revoke-api-key";
import { PERMISSIONS } from "@/lib/auth/roles";
import { requireActor } from "@/lib/auth/session";

export async function createApiKeyAction(_prev: ActionResult<{ secret: string }> | undefined, form: FormData): Promise<ActionResult<{ secret: string }>> {
  return runAction(async () => {
    const actor = await requireActor(PERMISSIONS.manageApiKeys);
    const { secret } = await createApiKey({ ctx: { db: await getDb(), actor }, input: { name: String(form.get("name") ?? "") } });
    revalidatePath("/settings/api-keys");
    return { secret };
  });
}

export async function revokeApiKeyAction(keyId: string): Promise<ActionResult<null>> {
  return runAction(async () => {
    const actor = await requireActor(PERMISSIONS.manageApiKeys);
    await revokeApiKey({ ctx: { db: await getDb(), actor }, input: { keyId } });
    revalidatePath("/settings/api-keys");
    return null;
  });
}
