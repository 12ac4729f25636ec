// The sign-in throttle, on both databases: free attempts, then exponential delays, then a lock with an
// audit event; a success clears it; a quiet window starts the count afresh.
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { auditEvents } from "../../db/schema";
import { useSharedTestDb } from "../testing/shared-test-db";
import { TEST_DB_KINDS } from "../testing/test-db";
import { accountKey, checkThrottle, clearThrottle, delaySeconds, recordFailure, type ThrottleRule } from "./throttle";

const RULE: ThrottleRule = { free: 3, lockAt: 6, lockSeconds: 900, windowSeconds: 900 };
const at = (s: number) => new Date(Date.UTC(2026, 11, 1, 12, 0, 0) + s * 1000);

describe("delaySeconds", () => {
  it("is 0 while free, then doubles, capped at a minute", () => {
    expect([0, 2, 3, 4, 5, 10, 20].map((f) => delaySeconds(f, RULE))).toEqual([0, 0, 1, 2, 4, 60, 60]);
  });
});

describe.each(TEST_DB_KINDS)("sign-in throttle on %s", (kind) => {
  const shared = useSharedTestDb(kind);

  it("delays, then locks with an audit event, then lets the account in after the lock; a success clears it", async () => {
    const db = shared.t().db;
    const key = accountKey("Victim@Example.test");
    for (let i = 0; i < 3; i++) {
      expect(await checkThrottle(db, key, RULE, at(i))).toEqual({ ok: true });
      await recordFailure(db, key, RULE, at(i));
    }
    // Third failure at t=2: the next attempt must wait 1 s.
    expect(await checkThrottle(db, key, RULE, at(2.5))).toEqual({ ok: false, locked: false, retryAfterSeconds: 1 });
    expect(await checkThrottle(db, key, RULE, at(3))).toEqual({ ok: true });
    await recordFailure(db, key, RULE, at(3));
    expect(await checkThrottle(db, key, RULE, at(4))).toEqual({ ok: false, locked: false, retryAfterSeconds: 1 });
    await recordFailure(db, key, RULE, at(6));
    await recordFailure(db, key, RULE, at(20)); // the 6th failure locks
    expect(await checkThrottle(db, key, RULE, at(21))).toEqual({ ok: false, locked: true, retryAfterSeconds: 899 });
    const audit = await db.select().from(auditEvents).where(eq(auditEvents.action, "auth.lockout"));
    expect(audit.map((a) => a.targetId)).toEqual([key]);
    expect(await checkThrottle(db, key, RULE, at(20 + 901))).toEqual({ ok: true });
    await clearThrottle(db, key);
    expect(await checkThrottle(db, key, RULE, at(20 + 902))).toEqual({ ok: true });
  });

  it("starts afresh after a quiet window, and keys are independent", async () => {
    const db = shared.t().db;
    const a = accountKey("a@example.test");
    for (let i = 0; i < 5; i++) await recordFailure(db, a, RULE, at(i * 10));
    expect((await checkThrottle(db, a, RULE, at(41))).ok).toBe(false);
    expect(await checkThrottle(db, accountKey("b@example.test"), RULE, at(41))).toEqual({ ok: true });
    await recordFailure(db, a, RULE, at(2000)); // long after the window: counts as the first
    expect(await checkThrottle(db, a, RULE, at(2001))).toEqual({ ok: true });
  });
});
