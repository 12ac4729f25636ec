// Undo within the window and amend afterwards: what happens to the case, the decision rows and the audit.
import { asc, eq, sql } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { auditEvents, cases, decisions } from "../../db/schema";
import type { Actor } from "../context";
import { createTestDb, insertTestUser, TEST_DB_KINDS, type TestDb } from "../testing/test-db";
import { amendDecision } from "./amend-decision";
import { claimNextCase } from "./claim-case";
import { decideCase } from "./decide-case";
import { seedCase } from "./review-testing";
import { undoDecision } from "./undo-decision";

describe.each(TEST_DB_KINDS)("undo and amend on %s", (kind) => {
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
  const ctx = (actor: Actor) => ({ db: t.db, actor });
  const state = async (id: string) => (await t.db.select().from(cases).where(eq(cases.id, id)))[0]!;
  const age = (decisionId: string, seconds: number) =>
    t.db.update(decisions).set({ createdAt: sql`now() - make_interval(secs => ${seconds})` as unknown as Date }).where(eq(decisions.id, decisionId));

  it("an undo within the window returns the case to its state, claimed by the same moderator", async () => {
    const id = await seedCase(t.db, { state: "quarantined", score: 80 });
    const { decision } = await decideCase({ ctx: ctx(alice), input: { caseId: id, outcome: "authentic" } });
    expect((await state(id)).state).toBe("reviewed");
    await age(decision.id, 1); // inside the window however slow the machine is
    const res = await undoDecision({ ctx: ctx(alice), input: { decisionId: decision.id } });
    expect(res.caseId).toBe(id);
    const row = await state(id);
    expect(row.state).toBe("quarantined");
    expect(row.reviewedAt).toBeNull();
    expect(row.claimedBy).toBe((alice as { id: string }).id);
    expect(await claimNextCase({ ctx: ctx(bob), input: {} })).toBeNull();
    const [d] = await t.db.select().from(decisions).where(eq(decisions.id, decision.id));
    expect(d!.undoneAt).not.toBeNull();
    const actions = (await t.db.select().from(auditEvents).where(eq(auditEvents.caseId, id)).orderBy(asc(auditEvents.createdAt))).map((e) => e.action);
    expect(actions).toContain("case.decision_undone");
    // The case can be decided again, and that decision is the one in force.
    await decideCase({ ctx: ctx(alice), input: { caseId: id, outcome: "confirmed_ai" } });
    expect((await state(id)).state).toBe("reviewed");
  });

  it("refuses an undo after the window, twice, or by someone else", async () => {
    const id = await seedCase(t.db, { state: "cleared", verdict: "inconclusive", score: 20 });
    const { decision } = await decideCase({ ctx: ctx(alice), input: { caseId: id, outcome: "authentic" } });
    await expect(undoDecision({ ctx: ctx(bob), input: { decisionId: decision.id } })).rejects.toMatchObject({ code: "forbidden" });
    await age(decision.id, 11);
    await expect(undoDecision({ ctx: ctx(alice), input: { decisionId: decision.id } })).rejects.toMatchObject({ code: "conflict" });
    expect((await state(id)).state).toBe("reviewed");
    const other = await seedCase(t.db, { state: "manual_review" });
    const second = await decideCase({ ctx: ctx(alice), input: { caseId: other, outcome: "needs_more_info" } });
    await age(second.decision.id, 8);
    await undoDecision({ ctx: ctx(alice), input: { decisionId: second.decision.id } });
    expect((await state(other)).state).toBe("manual_review");
    await expect(undoDecision({ ctx: ctx(alice), input: { decisionId: second.decision.id } })).rejects.toMatchObject({ code: "conflict" });
  });

  it("an amendment supersedes the decision in force, keeps both rows and the case reviewed", async () => {
    const id = await seedCase(t.db, { state: "quarantined", score: 80 });
    const first = await decideCase({ ctx: ctx(alice), input: { caseId: id, outcome: "authentic" } });
    await age(first.decision.id, 60);
    const amended = await amendDecision({ ctx: ctx(bob), input: { caseId: id, outcome: "confirmed_ai", note: "Second look: generator artefacts." } });
    expect(amended.supersedes.id).toBe(first.decision.id);
    expect(amended.decision.supersedesId).toBe(first.decision.id);
    expect((await state(id)).state).toBe("reviewed");
    const rows = await t.db.select().from(decisions).where(eq(decisions.caseId, id));
    expect(rows.map((r) => r.outcome).sort()).toEqual(["authentic", "confirmed_ai"]);
    const [audit] = await t.db.select().from(auditEvents).where(eq(auditEvents.action, "case.decision_amended"));
    expect(audit!.data).toMatchObject({ from: "authentic", to: "confirmed_ai", supersedes: first.decision.id });
    // The old decision can no longer be undone; the amendment can (by its author, in time),
    // which puts the first decision back in force and leaves the case reviewed.
    await expect(undoDecision({ ctx: ctx(alice), input: { decisionId: first.decision.id } })).rejects.toMatchObject({ code: "conflict" });
    await age(amended.decision.id, 1);
    await undoDecision({ ctx: ctx(bob), input: { decisionId: amended.decision.id } });
    expect((await state(id)).state).toBe("reviewed");
    const again = await amendDecision({ ctx: ctx(alice), input: { caseId: id, outcome: "needs_more_info" } });
    expect(again.supersedes.id).toBe(first.decision.id);
  });

  it("refuses to amend a case that has no decision in force", async () => {
    const id = await seedCase(t.db, { state: "quarantined", score: 80 });
    await expect(amendDecision({ ctx: ctx(alice), input: { caseId: id, outcome: "authentic" } })).rejects.toMatchObject({ code: "invalid_transition" });
  });
});
