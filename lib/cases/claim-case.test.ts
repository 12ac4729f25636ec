// Claiming the next case to review: risk order, one moderator per case, expiry, decide-and-next.
import { eq, sql } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { cases } from "../../db/schema";
import type { Actor } from "../context";
import { createTestDb, insertTestUser, TEST_DB_KINDS, type TestDb } from "../testing/test-db";
import { claimNextCase, extendClaim, releaseClaim } from "./claim-case";
import { decideCase } from "./decide-case";
import { seedCase } from "./review-testing";

describe.each(TEST_DB_KINDS)("claiming on %s", (kind) => {
  let t: TestDb;
  let alice: Actor;
  let bob: Actor;
  beforeEach(async () => {
    t = await createTestDb(kind);
    alice = await insertTestUser(t.db, "moderator");
    bob = await insertTestUser(t.db, "moderator");
  });
  afterEach(async () => {
    await t?.cleanup();
  });
  const claim = (actor: Actor, skip?: string) => claimNextCase({ ctx: { db: t.db, actor }, input: { skip } });

  it("hands out cases by risk: quarantined, manual review, inconclusive, cleared; higher score, then older first", async () => {
    const cleared = await seedCase(t.db, { state: "cleared", verdict: "likely_authentic", score: 5, ageSeconds: 500 });
    const inconclusive = await seedCase(t.db, { state: "cleared", verdict: "inconclusive", score: 30 });
    const manual = await seedCase(t.db, { state: "manual_review" });
    const qLowOld = await seedCase(t.db, { state: "quarantined", verdict: "inconclusive", score: 40, ageSeconds: 300 });
    const qHigh = await seedCase(t.db, { state: "quarantined", verdict: "ai_generated", score: 91 });
    const qLowNew = await seedCase(t.db, { state: "quarantined", verdict: "inconclusive", score: 40, ageSeconds: 10 });
    await seedCase(t.db, { state: "reviewed", score: 99 });
    await seedCase(t.db, { state: "pending_scan" });
    const order: (string | null)[] = [];
    for (let i = 0; i < 7; i++) {
      const id = await claim(alice);
      order.push(id);
      if (id) await decideCase({ ctx: { db: t.db, actor: alice }, input: { caseId: id, outcome: "authentic" } });
    }
    expect(order).toEqual([qHigh, qLowOld, qLowNew, manual, inconclusive, cleared, null]);
  });

  it("never hands out a deleted case, nor one whose image the retention removed", async () => {
    const deleted = await seedCase(t.db, { state: "quarantined", score: 99 });
    const removed = await seedCase(t.db, { state: "cleared", verdict: "inconclusive", score: 40 });
    const open = await seedCase(t.db, { state: "quarantined", score: 10 });
    await t.db.update(cases).set({ deletedAt: sql`now()` as unknown as Date }).where(eq(cases.id, deleted));
    await t.db.update(cases).set({ imageRemovedAt: sql`now()` as unknown as Date }).where(eq(cases.id, removed));
    expect(await claim(alice)).toBe(open);
    await decideCase({ ctx: { db: t.db, actor: alice }, input: { caseId: open, outcome: "authentic" } });
    expect(await claim(alice)).toBeNull();
  });

  it("gives the moderator the case they already hold instead of a second one", async () => {
    const a = await seedCase(t.db, { state: "quarantined", score: 60 });
    await seedCase(t.db, { state: "quarantined", score: 90 });
    await t.db.update(cases).set({ claimedBy: (alice as { id: string }).id, claimExpiresAt: sql`now() + interval '5 minutes'` as unknown as Date }).where(eq(cases.id, a));
    expect(await claim(alice)).toBe(a);
  });

  it("never gives two moderators the same case, even when they claim at the same moment", async () => {
    const ids = await Promise.all(Array.from({ length: 6 }, (_, i) => seedCase(t.db, { state: "quarantined", score: 50 + i })));
    const moderators = [alice, bob, ...(await Promise.all([1, 2, 3, 4].map(() => insertTestUser(t.db, "moderator"))))];
    for (let round = 0; round < 3; round++) {
      const got = await Promise.all(moderators.map((m) => claim(m)));
      expect(new Set(got).size).toBe(moderators.length);
      expect(got.every((id) => id !== null && ids.includes(id))).toBe(true);
      // Each keeps their own case on the next round.
      expect(await Promise.all(moderators.map((m) => claim(m)))).toEqual(got);
    }
    // A seventh moderator finds nothing free.
    const carol = await insertTestUser(t.db, "moderator");
    expect(await claim(carol)).toBeNull();
  });

  it("an abandoned claim expires and the case goes to the next moderator", async () => {
    const id = await seedCase(t.db, { state: "quarantined", score: 80 });
    expect(await claim(alice)).toBe(id);
    expect(await claim(bob)).toBeNull();
    await t.db.update(cases).set({ claimExpiresAt: sql`now() - interval '1 second'` as unknown as Date }).where(eq(cases.id, id));
    expect(await extendClaim({ ctx: { db: t.db, actor: alice }, input: { caseId: id } })).toBe(false);
    expect(await claim(bob)).toBe(id);
    const [row] = await t.db.select().from(cases).where(eq(cases.id, id));
    expect(row!.claimedBy).toBe((bob as { id: string }).id);
    expect(row!.claimExpiresAt!.getTime()).toBeGreaterThan(Date.now());
  });

  it("extends a held claim, and skipping releases it to others", async () => {
    const first = await seedCase(t.db, { state: "quarantined", score: 80 });
    const second = await seedCase(t.db, { state: "quarantined", score: 70 });
    expect(await claim(alice)).toBe(first);
    await t.db.update(cases).set({ claimExpiresAt: sql`now() + interval '1 second'` as unknown as Date }).where(eq(cases.id, first));
    expect(await extendClaim({ ctx: { db: t.db, actor: alice }, input: { caseId: first } })).toBe(true);
    const [row] = await t.db.select().from(cases).where(eq(cases.id, first));
    expect(row!.claimExpiresAt!.getTime()).toBeGreaterThan(Date.now() + 60_000);
    expect(await extendClaim({ ctx: { db: t.db, actor: bob }, input: { caseId: first } })).toBe(false);
    expect(await claim(alice, first)).toBe(second);
    expect(await claim(bob)).toBe(first);
    await releaseClaim({ db: t.db, actor: alice }, first); // not hers any more: no effect
    const [still] = await t.db.select().from(cases).where(eq(cases.id, first));
    expect(still!.claimedBy).toBe((bob as { id: string }).id);
  });

  it("a decision frees the claim; an editor cannot claim", async () => {
    const id = await seedCase(t.db, { state: "quarantined", score: 80 });
    expect(await claim(alice)).toBe(id);
    await decideCase({ ctx: { db: t.db, actor: alice }, input: { caseId: id, outcome: "confirmed_ai" } });
    const [row] = await t.db.select().from(cases).where(eq(cases.id, id));
    expect(row!.claimedBy).toBeNull();
    const editor = await insertTestUser(t.db, "editor");
    await expect(claim(editor)).rejects.toMatchObject({ code: "forbidden" });
  });
});
