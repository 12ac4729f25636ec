// Who is acting, and on which database: every verb takes `{ ctx, input }` (CONTRIBUTING.md, "Verbs").
import type { DbOrTx } from "../db";
import { can, type Permission, type Role } from "./auth/roles";
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

/** Authorize first: every verb starts here, and throws `forbidden` unless `can(actor, permission)`. */
export function authorize(actor: Actor, permission: Permission): void {
  if (!can(actor, permission)) throw new AppError("forbidden");
}

/** The id written to audit rows and submitter columns. */
export function actorUserId(actor: Actor): string | null {
  if (actor.type === "user") return actor.id;
  if (actor.type === "api_key") return actor.userId;
  return null;
}
