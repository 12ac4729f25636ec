"use server";

import { signOut } from "@/lib/auth";
import { authedAction } from "@/lib/actions";
import { changePassword } from "@/lib/users/change-password";
import { changePasswordForm } from "./account.validation";

/** Changes the password, which ends every session of the user (this one too), then asks to sign in again. */
export const changePasswordAction = authedAction("ownSession", changePasswordForm, async (input, ctx) => {
  await changePassword({ ctx, input: { currentPassword: input.currentPassword, newPassword: input.newPassword } });
  await signOut({ redirectTo: "/sign-in?notice=password-changed" });
});
