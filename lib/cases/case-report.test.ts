import { eq, sql } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { decisions } from "../../db/schema";
import type { Actor } from "../context";
import { createTestDb, insertTestUser, type TestDb } from "../testing/test-db";
import { amendDecision } from "./amend-decision";
import { caseReport } from "./case-report";
import { decideCase } from "./decide-case";
import { getCaseDetail } from "./queries";
import { seedCase } from "./review-testing";
import { undoDecision } from "./undo-decision";

describe("evidence report", () => {
  let t: TestDb;
  let mod: Actor;
  beforeEach(async () => {
    t = await createTestDb("pglite");
    mod = await insertTestUser(t.db, "moderator", "mod@example.test");
  });
  afterEach(async () => {
    await t?.cleanup();
  });

  it("lists every decision with its status, the history, and no internal field", async () => {
    const id = await seedCase(t.db, { state: "quarantined", score: 80, verdict: "ai_generated" });
    const ctx = { db: t.db, actor: mod };
    const first = await decideCase({ ctx, input: { caseId: id, outcome: "authentic" } });
    // Inside the undo window however slow the machine is.
    await t.db.update(decisions).set({ createdAt: sql`now()` as unknown as Date }).where(eq(decisions.id, first.decision.id));
    await undoDecision({ ctx, input: { decisionId: first.decision.id } });
    const second = await decideCase({ ctx, input: { caseId: id, outcome: "authentic", note: "Camera original." } });
    const amended = await amendDecision({ ctx, input: { caseId: id, outcome: "confirmed_ai" } });
    const r = caseReport((await getCaseDetail(t.db, id))!, new Date("2026-01-01T00:00:00Z"));
    expect(r.generated_at).toBe("2026-01-01T00:00:00.000Z");
    expect(r.decisions.map((d) => [d.id, d.status])).toEqual([
      [first.decision.id, "undone"],
      [second.decision.id, "amended"],
      [amended.decision.id, "in_force"],
    ]);
    expect(r.verdict_sentence).toBe("Reviewed: confirmed AI-generated, decided by mod@example.test.");
    expect(r.history.map((e) => e.action)).toEqual(expect.arrayContaining(["case.decided", "case.decision_undone", "case.decision_amended"]));
    expect(r.image.sha256).toMatch(/^[0-9a-f]{64}$/);
    const json = JSON.stringify(r);
    expect(json).not.toMatch(/storageKey|storage_key|passwordHash|password_hash|reviewerId/);
  });
});
