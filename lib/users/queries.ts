// Read helpers for user pages. They take `db | tx` explicitly and never return password hashes.
import { asc, eq, sql } from "drizzle-orm";
import type { DbOrTx } from "../../db";
import { users } from "../../db/schema";

/** How an account signs in, without its hash. */
const signInColumns = {
  hasPassword: sql<boolean>`${users.passwordHash} is not null`,
  /** Bound to an identity at the single sign-on provider (signed in through it at least once). */
  ssoBound: sql<boolean>`${users.oidcSubject} is not null`,
};

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
      ...signInColumns,
    })
    .from(users)
    .orderBy(asc(users.createdAt));
}

/** How one user signs in: whether they have a password and whether single sign-on is bound. */
export async function signInMethods(db: DbOrTx, userId: string): Promise<{ hasPassword: boolean; ssoBound: boolean } | undefined> {
  const [row] = await db
    .select(signInColumns)
    .from(users)
    .where(eq(users.id, userId));
  return row;
}
