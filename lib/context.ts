// Who is acting, and on which database: every verb takes `{ ctx, input }` (STYLE.md, Code §1).
import type { DbOrTx } from "../db";
import type { Role } from "./auth/roles";
import { AppError } from "./errors";

export type Actor =
  | { type: "user"; id: string; role: Role; email: string }
  | { type: "api_key"; id: string; userId: string; role: Role }
  | { type: "worker"; id: string }
  | { type: "system" };

export interface Ctx {
  db: DbOrTx;
  actor: Actor;
  requestId?: string;
}

export function actorRole(actor: Actor): Role | null {
  return actor.type === "user" || actor.type === "api_key" ? actor.role : null;
}

/** Authorize first: throws `unauthenticated`/`forbidden` unless the actor holds one of the roles. */
export function authorize(actor: Actor, roles: readonly Role[]): void {
  if (actor.type === "system") return;
  const role = actorRole(actor);
  if (role === null) throw new AppError("forbidden");
  if (!roles.includes(role)) throw new AppError("forbidden");
}

/** The id written to audit rows and submitter columns. */
export function actorUserId(actor: Actor): string | null {
  if (actor.type === "user") return actor.id;
  if (actor.type === "api_key") return actor.userId;
  return null;
}
