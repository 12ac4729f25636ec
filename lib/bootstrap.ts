// First-run setup, idempotent: the default policy and the first admin.
import { eq, sql } from "drizzle-orm";
import type { Db, DbOrTx } from "../db";
import { policies, users } from "../db/schema";
import { generatePassword } from "./auth/password";
import { env } from "./env";
import { newId } from "./ids";
import { createUser } from "./users/create-user";

export const DEFAULT_POLICY_NAME = "default";

// Arbitrary constant (next to the migration's in db/index.ts): serialises first-run setup between processes.
const BOOTSTRAP_LOCK_KEY = 4_242_004;

export async function ensureDefaultPolicy(db: DbOrTx): Promise<void> {
  const existing = await db.select({ id: policies.id }).from(policies).where(eq(policies.isDefault, true));
  if (existing.length > 0) return;
  await db
    .insert(policies)
    .values({
      id: newId("policy"),
      name: DEFAULT_POLICY_NAME,
      description: "Quarantine at a fused score of 50 or more, and every inconclusive verdict.",
      quarantineThreshold: 50,
      inconclusiveAction: "quarantine",
      isDefault: true,
    })
    .onConflictDoNothing();
}

/**
 * With no admin yet: create one from LOUPE_ADMIN_EMAIL/PASSWORD, or generate a password and print
 * it once. Returns the generated credentials (so the caller can print them) or null.
 */
export async function ensureAdmin(
  db: DbOrTx,
  opts: { email?: string; password?: string; print?: (msg: string) => void } = {},
): Promise<{ email: string; password: string; generated: boolean } | null> {
  const admins = await db.select({ id: users.id }).from(users).where(eq(users.role, "admin")).limit(1);
  if (admins.length > 0) return null;
  const email = opts.email ?? env.LOUPE_ADMIN_EMAIL ?? "admin@loupe.local";
  const given = opts.password ?? env.LOUPE_ADMIN_PASSWORD;
  const password = given ?? generatePassword();
  await createUser({ ctx: { db, actor: { type: "system" } }, input: { email, password, role: "admin", name: "Administrator" } });
  if (!given) {
    const print = opts.print ?? ((m: string) => console.log(m));
    print(
      [
        "",
        "┌─ Loupe first run ─────────────────────────────────────────────",
        `│ Admin account created: ${email}`,
        `│ Password (shown once): ${password}`,
        "│ Sign in and change it, or set LOUPE_ADMIN_EMAIL/LOUPE_ADMIN_PASSWORD.",
        "└───────────────────────────────────────────────────────────────",
        "",
      ].join("\n"),
    );
  }
  return { email, password, generated: !given };
}

/**
 * Both, in one transaction under an advisory lock: processes started together on a fresh PostgreSQL
 * database (web processes, workers) each found no admin and each tried to create one; all but the
 * first failed to start with the email's `conflict`. Now the later ones wait, then find it. The
 * generated password is printed once the admin is committed.
 */
export async function bootstrap(db: Db, print: (msg: string) => void = (m) => console.log(m)): Promise<void> {
  const printed: string[] = [];
  await db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${BOOTSTRAP_LOCK_KEY})`);
    await ensureDefaultPolicy(tx);
    await ensureAdmin(tx, { print: (m) => printed.push(m) });
  });
  for (const m of printed) print(m);
}
