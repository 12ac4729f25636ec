"use server";

import { revalidatePath } from "next/cache";
import { authedAction } from "@/lib/actions";
import { resetPassword } from "@/lib/users/change-password";
import { createUser } from "@/lib/users/create-user";
import { updateUser } from "@/lib/users/update-user";
import { createUserForm, resetPasswordInput, updateUserInput } from "./users.validation";

export const createUserAction = authedAction("manageUsers", createUserForm, async (input, ctx) => {
  const user = await createUser({ ctx, input });
  revalidatePath("/admin/users");
  return { email: user.email };
});

export const updateUserAction = authedAction("manageUsers", updateUserInput, async (input, ctx) => {
  const user = await updateUser({ ctx, input });
  revalidatePath("/admin/users");
  return { id: user.id };
});

/** A new generated password for the user, returned once to hand over; their sessions end. */
export const resetPasswordAction = authedAction("manageUsers", resetPasswordInput, async (input, ctx) => {
  const { password } = await resetPassword({ ctx, input });
  revalidatePath("/admin/users");
  return { password };
});
