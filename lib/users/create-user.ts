import { z } from "zod";
import { users, type User } from "../../db/schema";
import { writeAudit } from "../audit";
import { hashPassword } from "../auth/password";
import { ROLES } from "../auth/roles";
import { authorize, type Ctx } from "../context";
import { env } from "../env";
import { AppError } from "../errors";
import { newId } from "../ids";

export const createUserInput = z.object({
  email: z.string().trim().toLowerCase().email(),
  name: z.string().trim().max(100).default(""),
  /** Empty or absent: no password, for an account that signs in through single sign-on only. */
  password: z
    .union([z.literal("").transform(() => undefined), z.string().min(8, "Password must be at least 8 characters.").max(200)])
    .optional(),
  role: z.enum(ROLES),
});
export type CreateUserInput = z.input<typeof createUserInput>;

export async function createUser({ ctx, input }: { ctx: Ctx; input: CreateUserInput }): Promise<User> {
  authorize(ctx.actor, "manageUsers");
  const data = createUserInput.parse(input);
  if (data.password === undefined && !env.LOUPE_OIDC_ISSUER) {
    throw new AppError("invalid_request", "Give the user a password: without single sign-on (LOUPE_OIDC_ISSUER) it is the only way to sign in.", { param: "password" });
  }
  // Without one, the account waits for its first SSO sign-in, which binds it by this email (lib/auth/sso.ts).
  const passwordHash = data.password === undefined ? null : await hashPassword(data.password);
  return ctx.db.transaction(async (tx) => {
    const existing = await tx.query.users.findFirst({ where: (u, { eq }) => eq(u.email, data.email) });
    if (existing) throw new AppError("conflict", "A user with this email already exists.", { param: "email" });
    const [user] = await tx
      .insert(users)
      .values({ id: newId("user"), email: data.email, name: data.name, passwordHash, role: data.role })
      .returning();
    await writeAudit(tx, ctx.actor, { action: "user.create", targetType: "user", targetId: user!.id, data: { email: data.email, role: data.role, ...(passwordHash ? {} : { password: false }) } });
    return user!;
  });
}
