"use server";

import { revalidatePath } from "next/cache";
import { getDb } from "@/db";
import { runAction, type ActionResult } from "@/lib/actions";
import { PERMISSIONS } from "@/lib/auth/roles";
import { requireActor } from "@/lib/auth/session";
import { createUser } from "@/lib/users/create-user";
import { updateUser } from "@/lib/users/update-user";

export async function createUserAction(_prev: ActionResult<{ email: string }> | undefined, form: FormData): Promise<ActionResult<{ email: string }>> {
  return runAction(async () => {
    const actor = await requireActor(PERMISSIONS.manageUsers);
    const user = await createUser({
      ctx: { db: await getDb(), actor },
      input: {
        email: String(form.get("email") ?? ""),
        name: String(form.get("name") ?? ""),
        password: String(form.get("password") ?? ""),
        role: String(form.get("role") ?? "") as "editor",
      },
    });
    revalidatePath("/admin/users");
    return { email: user.email };
  });
}

export async function updateUserAction(input: { userId: string; role?: "admin" | "moderator" | "editor"; disabled?: boolean }): Promise<ActionResult<{ id: string }>> {
  return runAction(async () => {
    const actor = await requireActor(PERMISSIONS.manageUsers);
    const user = await updateUser({ ctx: { db: await getDb(), actor }, input });
    revalidatePath("/admin/users");
    return { id: user.id };
  });
}
