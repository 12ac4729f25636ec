import { eq, sql } from "drizzle-orm";
import { z } from "zod";
import { users } from "../../db/schema";
import { writeAudit } from "../audit";
import { generatePassword, hashPassword, verifyPassword } from "../auth/password";
import { ACCOUNT_RULE, accountKey, checkThrottle, clearThrottle, recordFailure } from "../auth/throttle";
import { authorize, type Ctx } from "../context";
import { AppError } from "../errors";

const newPassword = z.string().min(8, "The new password must be at least 8 characters.").max(200, "The new password must be at most 200 characters.");

export const changePasswordInput = z.object({
  currentPassword: z.string().min(1, "Enter your current password.").max(200),
  newPassword,
});

/**
 * One's own password. The current password is checked (wrong guesses count against the same throttle
 * as sign-in), and every session of the user ends, this one included: they sign in again with it.
 */
export async function changePassword({ ctx, input }: { ctx: Ctx; input: z.input<typeof changePasswordInput> }): Promise<void> {
  authorize(ctx.actor, "ownSession");
  if (ctx.actor.type !== "user") throw new AppError("forbidden", "Only a signed-in user can change their password.");
  const data = changePasswordInput.parse(input);
  const [user] = await ctx.db.select().from(users).where(eq(users.id, ctx.actor.id));
  if (!user) throw new AppError("not_found", "User not found.");
  if (user.passwordHash === null) {
    throw new AppError("invalid_request", "This account has no password: it signs in through single sign-on. An admin can give it one (Users, Reset password).", { param: "currentPassword" });
  }
  const key = accountKey(user.email);
  const verdict = await checkThrottle(ctx.db, key, ACCOUNT_RULE);
  if (!verdict.ok) {
    throw new AppError("rate_limited", `Too many wrong passwords. Try again in ${verdict.retryAfterSeconds} s.`);
  }
  if (!(await verifyPassword(data.currentPassword, user.passwordHash))) {
    await recordFailure(ctx.db, key, ACCOUNT_RULE);
    throw new AppError("invalid_request", "The current password is wrong.", { param: "currentPassword" });
  }
  if (data.newPassword === data.currentPassword) {
    throw new AppError("invalid_request", "The new password must differ from the current one.", { param: "newPassword" });
  }
  await clearThrottle(ctx.db, key);
  const passwordHash = await hashPassword(data.newPassword);
  await ctx.db.transaction(async (tx) => {
    await tx.update(users).set({ passwordHash, sessionVersion: sql`${users.sessionVersion} + 1` }).where(eq(users.id, user.id));
    await writeAudit(tx, ctx.actor, { action: "user.password_changed", targetType: "user", targetId: user.id, data: {} });
  });
}

export const resetPasswordInput = z.object({ userId: z.string().startsWith("usr_") });

/**
 * An admin sets a new, generated password for a user and ends all their sessions. The password is
 * returned once, to be handed over; it is stored only hashed.
 */
export async function resetPassword({ ctx, input }: { ctx: Ctx; input: z.input<typeof resetPasswordInput> }): Promise<{ password: string }> {
  authorize(ctx.actor, "manageUsers");
  const data = resetPasswordInput.parse(input);
  const password = generatePassword();
  const passwordHash = await hashPassword(password);
  await ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .update(users)
      .set({ passwordHash, sessionVersion: sql`${users.sessionVersion} + 1` })
      .where(eq(users.id, data.userId))
      .returning({ id: users.id, email: users.email });
    if (!row) throw new AppError("not_found", "User not found.");
    await writeAudit(tx, ctx.actor, { action: "user.password_reset", targetType: "user", targetId: row.id, data: {} });
    await clearThrottle(tx, accountKey(row.email));
  });
  return { password };
}
