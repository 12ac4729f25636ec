import { eq, sql } from "drizzle-orm";
import { z } from "zod";
import { users } from "../../db/schema";
import { writeAudit } from "../audit";
import { authorize, type Ctx } from "../context";
import { AppError } from "../errors";

export const endSessionsInput = z.object({ userId: z.string().startsWith("usr_"), reason: z.enum(["sign_out", "admin"]) });

/** Ends every session of a user at once (their next request is signed out). One's own, or anyone's for admins. */
export async function endSessions({ ctx, input }: { ctx: Ctx; input: z.input<typeof endSessionsInput> }): Promise<void> {
  const data = endSessionsInput.parse(input);
  const own = ctx.actor.type === "user" && ctx.actor.id === data.userId;
  authorize(ctx.actor, own ? "ownSession" : "manageUsers");
  await ctx.db.transaction(async (tx) => {
    const [row] = await tx.update(users).set({ sessionVersion: sql`${users.sessionVersion} + 1` }).where(eq(users.id, data.userId)).returning({ id: users.id });
    if (!row) throw new AppError("not_found", "User not found.");
    await writeAudit(tx, ctx.actor, { action: "user.sessions_ended", targetType: "user", targetId: row.id, data: { reason: data.reason } });
  });
}

