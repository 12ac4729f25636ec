// Sign-in throttling per account and per client address, in the database so every server process
// shares it. After a few failures each further attempt must wait an exponentially growing delay;
// after many, the key is locked for a while with a clear message and an audit event. A success
// clears the account's record. Unknown accounts are throttled the same way (their key is the email
// tried), so the throttle says nothing about which accounts exist.
import { eq, sql } from "drizzle-orm";
import type { DbOrTx } from "../../db";
import { authThrottle } from "../../db/schema";
import { writeAudit } from "../audit";

export interface ThrottleRule {
  /** Failures allowed without delay. */
  free: number;
  /** Failures at which the key is locked. */
  lockAt: number;
  lockSeconds: number;
  /** A window without failures this long starts the count afresh. */
  windowSeconds: number;
}

export const ACCOUNT_RULE: ThrottleRule = { free: 3, lockAt: 10, lockSeconds: 15 * 60, windowSeconds: 15 * 60 };
/** An address may try many accounts (a shared office NAT): higher limits. */
export const ADDRESS_RULE: ThrottleRule = { free: 20, lockAt: 100, lockSeconds: 15 * 60, windowSeconds: 15 * 60 };

export type ThrottleVerdict = { ok: true } | { ok: false; retryAfterSeconds: number; locked: boolean };

/** Seconds an attempt must wait after `failures` failures (0 while free): 1, 2, 4, … capped at 60. */
export function delaySeconds(failures: number, rule: ThrottleRule): number {
  return failures < rule.free ? 0 : Math.min(60, 2 ** (failures - rule.free));
}

/** May this key try now? */
export async function checkThrottle(db: DbOrTx, key: string, rule: ThrottleRule, now = new Date()): Promise<ThrottleVerdict> {
  const [row] = await db.select().from(authThrottle).where(eq(authThrottle.key, key));
  if (!row) return { ok: true };
  if (row.lockedUntil && row.lockedUntil > now) return { ok: false, locked: true, retryAfterSeconds: Math.ceil((row.lockedUntil.getTime() - now.getTime()) / 1000) };
  if (now.getTime() - row.windowStart.getTime() > rule.windowSeconds * 1000) return { ok: true };
  const wait = delaySeconds(row.failures, rule);
  const since = row.lastFailure ? (now.getTime() - row.lastFailure.getTime()) / 1000 : Infinity;
  return since >= wait ? { ok: true } : { ok: false, locked: false, retryAfterSeconds: Math.ceil(wait - since) };
}

/** Count a failure; locks the key (and writes an audit event) when it reaches the rule's limit. */
export async function recordFailure(db: DbOrTx, key: string, rule: ThrottleRule, now = new Date()): Promise<void> {
  // Timestamps go into the SQL fragments as ISO text cast to timestamptz (postgres.js does not take
  // Date objects inside raw fragments).
  const windowStart = sql`${new Date(now.getTime() - rule.windowSeconds * 1000).toISOString()}::timestamptz`;
  const nowTs = sql`${now.toISOString()}::timestamptz`;
  // One statement: concurrent failures from several processes all count.
  const [row] = await db
    .insert(authThrottle)
    .values({ key, failures: 1, windowStart: now, lastFailure: now })
    .onConflictDoUpdate({
      target: authThrottle.key,
      set: {
        failures: sql`case when ${authThrottle.windowStart} < ${windowStart} then 1 else ${authThrottle.failures} + 1 end`,
        windowStart: sql`case when ${authThrottle.windowStart} < ${windowStart} then ${nowTs} else ${authThrottle.windowStart} end`,
        lastFailure: now,
      },
    })
    .returning();
  if (row && row.failures >= rule.lockAt && !(row.lockedUntil && row.lockedUntil > now)) {
    const lockedUntil = new Date(now.getTime() + rule.lockSeconds * 1000);
    await db.update(authThrottle).set({ lockedUntil, failures: 0, windowStart: now }).where(eq(authThrottle.key, key));
    await writeAudit(db, { type: "system" }, { action: "auth.lockout", targetType: "throttle", targetId: key, data: { failures: row.failures, lockedUntil: lockedUntil.toISOString() } });
  }
}

/** A successful sign-in clears the key. */
export async function clearThrottle(db: DbOrTx, key: string): Promise<void> {
  await db.delete(authThrottle).where(eq(authThrottle.key, key));
}

export const accountKey = (email: string) => `account:${email.trim().toLowerCase()}`;
export const addressKey = (address: string) => `address:${address}`;
