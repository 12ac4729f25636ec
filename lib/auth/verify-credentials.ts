import { eq } from "drizzle-orm";
import type { DbOrTx } from "../../db";
import { users, type User } from "../../db/schema";
import { generatePassword, hashPassword, needsRehash, verifyPassword } from "./password";

// Compared against when the email is unknown, so a miss takes as long as a wrong password. Made once,
// with the current parameters, from a password nobody knows.
let dummyHash: Promise<string> | undefined;

export async function verifyCredentials(db: DbOrTx, email: string, password: string): Promise<User | null> {
  const [user] = await db.select().from(users).where(eq(users.email, email.trim().toLowerCase()));
  dummyHash ??= hashPassword(generatePassword());
  const ok = await verifyPassword(password, user?.passwordHash ?? (await dummyHash));
  // An account without a password (single sign-on only) never matches: the dummy hash stood in for it.
  if (!user || user.passwordHash === null || !ok || user.disabled) return null;
  // A hash from before the current scheme (bcrypt) is replaced now that the password is known.
  if (needsRehash(user.passwordHash)) {
    const passwordHash = await hashPassword(password);
    await db.update(users).set({ passwordHash }).where(eq(users.id, user.id));
    return { ...user, passwordHash };
  }
  return user;
}
