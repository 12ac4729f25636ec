import { eq, sql } from "drizzle-orm";
import { z } from "zod";
import { users, type User } from "../../db/schema";
import { writeAudit } from "../audit";
import { ROLES } from "../auth/roles";
import { authorize, type Ctx } from "../context";
import { AppError } from "../errors";

export const updateUserInput = z.object({
  userId: z.string().startsWith("usr_"),
  role: z.enum(ROLES).optional(),
  disabled: z.boolean().optional(),
});
export type UpdateUserInput = z.input<typeof updateUserInput>;

export async function updateUser({ ctx, input }: { ctx: Ctx; input: UpdateUserInput }): Promise<User> {
  authorize(ctx.actor, "manageUsers");
  const data = updateUserInput.parse(input);
  if (ctx.actor.type === "user" && ctx.actor.id === data.userId && (data.role !== undefined && data.role !== "admin" || data.disabled)) {
    throw new AppError("invalid_request", "You cannot demote or disable yourself.", { param: "userId" });
  }
  return ctx.db.transaction(async (tx) => {
    const [user] = await tx
      .update(users)
      .set({
        ...(data.role ? { role: data.role } : {}),
        ...(data.disabled !== undefined ? { disabled: data.disabled } : {}),
        // A role change or disabling ends the user's sessions: they sign in again under the new state.
        sessionVersion: sql`${users.sessionVersion} + 1`,
      })
      .where(eq(users.id, data.userId))
      .returning();
    if (!user) throw new AppError("not_found", "User not found.");
    await writeAudit(tx, ctx.actor, { action: "user.update", targetType: "user", targetId: user.id, data: { role: data.role, disabled: data.disabled } });
    return user;
  });
}
