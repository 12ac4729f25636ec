// Bulk decide and rescan from the queue, and "apply the same decision" to a duplicate: every case goes
// through its verb (audited per case), and a case that cannot be moved fails alone.
import { eq, inArray } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { auditEvents, cases, decisions, images, policies, type CaseState } from "../../db/schema";
import { newId } from "../ids";
import { useSharedTestDb } from "../testing/shared-test-db";
import { insertTestUser, TEST_DB_KINDS } from "../testing/test-db";
import { applyDuplicateDecision, hammingDistance } from "./apply-duplicate-decision";
import { decideCases } from "./decide-cases";
import { rescanCases } from "./rescan-cases";

describe.each(TEST_DB_KINDS)("bulk case actions on %s", (kind) => {
  const shared = useSharedTestDb(kind, "moderator");

  async function insertCases(states: CaseState[], image?: { phash?: string; informative?: boolean; imageId?: string }) {
    const db = shared.t().db;
    const [policy] = await db.select().from(policies).limit(1);
    let imageId = image?.imageId;
    if (!imageId) {
      imageId = newId("image");
      await db.insert(images).values({ id: imageId, sha256: newId("image").padEnd(64, "0"), mime: "image/png", format: "png", sizeBytes: 1, width: 1, height: 1, storageKey: "x", phash: image?.phash ?? "0f0f0f0f0f0f0f0f", phashInformative: image?.informative ?? true });
    }
    const ids = states.map(() => newId("case"));
    await db.insert(cases).values(states.map((state, i) => ({ id: ids[i]!, imageId: imageId!, imageSizeBytes: 1, duplicateGroup: imageId!, source: "api" as const, policyId: policy!.id, state })));
    return { ids, imageId };
  }

  it("decides every decidable case, audits each, and reports the one that is not decidable", async () => {
    const db = shared.t().db;
    const { ids } = await insertCases(["quarantined", "manual_review", "cleared", "scanning"]);
    const results = await decideCases({ ctx: { db, actor: shared.actor() }, input: { caseIds: ids, outcome: "confirmed_ai", note: "batch" } });
    expect(results.map((r) => r.ok)).toEqual([true, true, true, false]);
    expect(results[3]).toMatchObject({ caseId: ids[3], code: "invalid_transition" });
    const rows = await db.select({ id: cases.id, state: cases.state }).from(cases).where(inArray(cases.id, ids));
    expect(Object.fromEntries(rows.map((r) => [r.id, r.state]))).toEqual({ [ids[0]!]: "reviewed", [ids[1]!]: "reviewed", [ids[2]!]: "reviewed", [ids[3]!]: "scanning" });
    // The queue's decision filter reads reviewed_at as "has a decision" (lib/cases/queue-queries.ts).
    const stamped = await db.select({ id: cases.id, reviewedAt: cases.reviewedAt }).from(cases).where(inArray(cases.id, ids));
    expect(Object.fromEntries(stamped.map((r) => [r.id, r.reviewedAt !== null]))).toEqual({ [ids[0]!]: true, [ids[1]!]: true, [ids[2]!]: true, [ids[3]!]: false });
    const audited = await db.select({ caseId: auditEvents.caseId }).from(auditEvents).where(eq(auditEvents.action, "case.decided"));
    for (const id of ids.slice(0, 3)) expect(audited.filter((a) => a.caseId === id)).toHaveLength(1);
    expect(audited.some((a) => a.caseId === ids[3])).toBe(false);
  });

  it("rescans finished cases and reports a pending one", async () => {
    const db = shared.t().db;
    const { ids } = await insertCases(["reviewed", "cleared", "pending_scan"]);
    const results = await rescanCases({ ctx: { db, actor: shared.actor() }, input: { caseIds: ids } });
    expect(results.map((r) => r.ok)).toEqual([true, true, false]);
    const rows = await db.select({ state: cases.state, scan: cases.scan }).from(cases).where(inArray(cases.id, ids.slice(0, 2)));
    expect(rows).toEqual([{ state: "pending_scan", scan: 2 }, { state: "pending_scan", scan: 2 }]);
  });

  it("refuses an editor outright", async () => {
    const db = shared.t().db;
    const editor = await insertTestUser(db, "editor");
    const { ids } = await insertCases(["quarantined"]);
    await expect(decideCases({ ctx: { db, actor: editor }, input: { caseIds: ids, outcome: "authentic" } })).rejects.toMatchObject({ code: "forbidden" });
    await expect(rescanCases({ ctx: { db, actor: editor }, input: { caseIds: ids } })).rejects.toMatchObject({ code: "forbidden" });
  });

  it("applies a decided case's latest outcome to a case of the same image, naming the source", async () => {
    const db = shared.t().db;
    const ctx = { db, actor: shared.actor() };
    const { ids: [source], imageId } = await insertCases(["quarantined"]);
    await decideCases({ ctx, input: { caseIds: [source!], outcome: "authentic" } });
    const { ids: [target] } = await insertCases(["quarantined"], { imageId });
    const { decision } = await applyDuplicateDecision({ ctx, input: { caseId: target!, sourceCaseId: source! } });
    expect(decision).toMatchObject({ outcome: "authentic", note: `Same decision as ${source} (same image).` });
  });

  it("applies it to a near-duplicate, and refuses an unrelated or undecided case", async () => {
    const db = shared.t().db;
    const ctx = { db, actor: shared.actor() };
    const { ids: [source] } = await insertCases(["cleared"], { phash: "ffff0000ffff0000" });
    await decideCases({ ctx, input: { caseIds: [source!], outcome: "confirmed_ai" } });
    const { ids: [near] } = await insertCases(["quarantined"], { phash: "ffff0000ffff0007" });
    const { ids: [far] } = await insertCases(["quarantined"], { phash: "0000ffff0000ffff" });
    const { ids: [flat] } = await insertCases(["quarantined"], { phash: "ffff0000ffff0001", informative: false });
    const { ids: [undecided] } = await insertCases(["quarantined"], { phash: "ffff0000ffff0003" });
    const { decision } = await applyDuplicateDecision({ ctx, input: { caseId: near!, sourceCaseId: source! } });
    expect(decision.note).toBe(`Same decision as ${source} (near-duplicate image, dHash distance 3).`);
    await expect(applyDuplicateDecision({ ctx, input: { caseId: far!, sourceCaseId: source! } })).rejects.toMatchObject({ code: "invalid_request" });
    await expect(applyDuplicateDecision({ ctx, input: { caseId: flat!, sourceCaseId: source! } })).rejects.toMatchObject({ code: "invalid_request" });
    await expect(applyDuplicateDecision({ ctx, input: { caseId: near!, sourceCaseId: undecided! } })).rejects.toMatchObject({ code: "invalid_request" });
    expect(await db.select().from(decisions).where(eq(decisions.caseId, far!))).toEqual([]);
  });

  it("counts differing dHash bits", () => {
    expect(hammingDistance("0000000000000000", "0000000000000000")).toBe(0);
    expect(hammingDistance("ffffffffffffffff", "0000000000000000")).toBe(64);
    expect(hammingDistance("8000000000000001", "0000000000000000")).toBe(2);
  });
});
