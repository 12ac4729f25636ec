// Shared by the operator's commands (`loupe keys …`, `loupe users …`): they act as the system actor
// on the configured database (DATABASE_URL, or PGlite under DATA_DIR), print their result on stdout
// and everything else on stderr, and exit 1 with the message on a refused request, 2 on bad usage.
import { eq } from "drizzle-orm";
import { openDb, type Db } from "../../db";
import { DatabaseInUseError } from "../../db/pglite-lock";
import { users, type User } from "../../db/schema";
import type { Role } from "../auth/roles";
import { generatePassword } from "../auth/password";
import type { Ctx } from "../context";
import { env } from "../env";
import { AppError } from "../errors";
import { createUser } from "../users/create-user";

export class UsageError extends Error {}

export async function runOperatorCommand(usage: string, fn: (ctx: Ctx & { db: Db }) => Promise<void>): Promise<void> {
  let handle: Awaited<ReturnType<typeof openDb>> | undefined;
  try {
    handle = await openDb({ url: env.DATABASE_URL, directUrl: env.DATABASE_DIRECT_URL });
    await fn({ db: handle.db, actor: { type: "system" } });
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`${err.message}\nusage:\n${usage}`);
      process.exitCode = 2;
    } else if (err instanceof AppError || err instanceof DatabaseInUseError) {
      console.error(`error: ${err.message}${err instanceof AppError && err.param ? ` (${err.param})` : ""}`);
      process.exitCode = 1;
    } else if (err instanceof Error && err.name === "ZodError") {
      const issue = (err as unknown as { issues: { path: PropertyKey[]; message: string }[] }).issues[0];
      console.error(`error: ${issue ? `${issue.path.map(String).join(".")}: ${issue.message}` : err.message}`);
      process.exitCode = 1;
    } else {
      throw err;
    }
  } finally {
    await handle?.close();
  }
}

export async function findUserByEmail(db: Db, email: string): Promise<User | undefined> {
  const [u] = await db.select().from(users).where(eq(users.email, email.trim().toLowerCase()));
  return u;
}

/** Creates a user; with no password given, one is generated and returned so the caller can print it. */
export async function createUserWithPassword(ctx: Ctx, input: { email: string; role: Role; password?: string; name?: string }) {
  const password = input.password ?? generatePassword();
  const user = await createUser({ ctx, input: { email: input.email, role: input.role, password, name: input.name ?? "" } });
  return { user, password, generated: input.password === undefined };
}

/** An integer option, or null for "default". */
export function limitOption(name: string, v: string | undefined): number | null | undefined {
  if (v === undefined) return undefined;
  if (v === "default") return null;
  if (!/^\d+$/.test(v)) throw new UsageError(`--${name}: a whole number, or "default"`);
  return Number(v);
}
