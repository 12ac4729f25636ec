import { eq } from "drizzle-orm";
import type { DbOrTx } from "../../db";
import { users, type User } from "../../db/schema";
import { verifyPassword } from "./password";

// Compared against when the email is unknown, so a miss takes as long as a wrong password.
const DUMMY_HASH = "$2b$12$pCN5I/Y1K2cODFbpEkoNWewuiGLnLobP5/1nRcDxVASOo9Fr4OxfG";

export async function verifyCredentials(db: DbOrTx, email: string, password: string): Promise<User | null> {
  const [user] = await db.select().from(users).where(eq(users.email, email.trim().toLowerCase()));
  const ok = await verifyPassword(password, user?.passwordHash ?? DUMMY_HASH);
  if (!user || !ok || user.disabled) return null;
  return user;
}
