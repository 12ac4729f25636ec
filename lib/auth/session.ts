// Server-side identity for pages, actions and routes. Always re-checks the user row.
import { eq } from "drizzle-orm";
import { redirect } from "next/navigation";
import { cache } from "react";
import { getDb } from "../../db";
import { users } from "../../db/schema";
import type { Actor } from "../context";
import { AppError } from "../errors";
import { auth } from "./index";
import { roleCan, type Permission } from "./roles";

export type UserActor = Extract<Actor, { type: "user" }>;

/** The signed-in, enabled user, or null. Memoised per request. */
export const currentActor = cache(async (): Promise<UserActor | null> => {
  const session = await auth();
  const id = session?.user?.id;
  if (!id) return null;
  const db = await getDb();
  const [user] = await db.select().from(users).where(eq(users.id, id));
  // A session issued before the user's last sign-out, role change or disabling is over.
  if (!user || user.disabled || user.sessionVersion !== session.user.sv) return null;
  return { type: "user", id: user.id, role: user.role, email: user.email };
});

/** For pages: redirect to sign-in when signed out; a 403 page (thrown) when the role is wrong. */
export async function requirePageActor(permission: Permission): Promise<UserActor> {
  const actor = await currentActor();
  if (!actor) redirect("/sign-in");
  if (!roleCan(actor.role, permission)) redirect("/forbidden");
  return actor;
}

/** For server actions and routes: throws AppError (unauthenticated / forbidden). */
export async function requireActor(permission: Permission): Promise<UserActor> {
  const actor = await currentActor();
  if (!actor) throw new AppError("unauthenticated");
  if (!roleCan(actor.role, permission)) throw new AppError("forbidden");
  return actor;
}
