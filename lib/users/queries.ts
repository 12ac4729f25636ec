// Read helpers for user pages. They take `db | tx` explicitly and never return password hashes.
import { asc, sql } from "drizzle-orm";
import type { DbOrTx } from "../../db";
import { users } from "../../db/schema";

export function listUsers(db: DbOrTx) {
  return db
    .select({
      id: users.id,
      email: users.email,
      name: users.name,
      role: users.role,
      disabled: users.disabled,
      createdAt: users.createdAt,
      lastSignInAt: users.lastSignInAt,
      hasPassword: sql<boolean>`${users.passwordHash} is not null`,
      /** Bound to an identity at the single sign-on provider (signed in through it at least once). */
      ssoBound: sql<boolean>`${users.oidcSubject} is not null`,
    })
    .from(users)
    .orderBy(asc(users.createdAt));
}
