// The dashboard's and policy editor's aggregates, on a small known set of cases and decisions.
import { describe, expect, it } from "vitest";
import { cases, decisions, images, policies } from "../../db/schema";
import { newId } from "../ids";
import { useSharedTestDb } from "../testing/shared-test-db";
import { insertTestUser, TEST_DB_KINDS } from "../testing/test-db";
import { decisionsPerReviewer, engineAgreement, labelledScores, listActivity, queueStats, recentScoreBuckets, volumePerDay } from "./queries";
import { eq } from "drizzle-orm";
import { decideCase } from "../cases/decide-case";
import { submitImage } from "../cases/submit-image";
import { makeJpeg } from "../detection/testing";
import { addFilesToList, createList } from "../lists/manage-lists";
import { startWorker } from "../worker/worker";
import { rocCurve } from "./roc";

describe.each(TEST_DB_KINDS)("analytics on %s", (kind) => {
  const shared = useSharedTestDb(kind);

  it("counts volume per day, the queue, reviewers, agreement and the labelled scores", async () => {
    const db = shared.t().db;
    const [policy] = await db.select().from(policies);
    const imageId = newId("image");
    await db.insert(images).values({ id: imageId, sha256: "a".repeat(64), mime: "image/png", format: "png", sizeBytes: 1, width: 1, height: 1, storageKey: "x", phash: "0".repeat(16) });
    const mod = await insertTestUser(db, "moderator", "mod-analytics@example.test");
    const hoursAgo = (h: number) => new Date(Date.now() - h * 3600_000);
    const mk = (state: (typeof cases.$inferInsert)["state"], verdict: (typeof cases.$inferInsert)["verdict"] | null, score: number | null, createdAt: Date) => ({
      id: newId("case"),
      imageId,
      imageSizeBytes: 1,
      duplicateGroup: imageId,
      source: "upload" as const,
      policyId: policy!.id,
      state,
      verdict,
      score,
      createdAt,
    });
    const rows = [
      mk("quarantined", "ai_generated", 91.4, hoursAgo(30)), // waiting, 30 h old
      mk("quarantined", "inconclusive", 27, hoursAgo(2)), // waiting
      mk("cleared", "likely_authentic", 5, hoursAgo(1)), // cleared: decidable, but not waiting
      mk("reviewed", "ai_generated", 80, hoursAgo(5)), // decided AI: agree
      mk("reviewed", "likely_authentic", 12, hoursAgo(5)), // decided authentic: agree
      mk("reviewed", "ai_generated", 60, hoursAgo(6)), // decided authentic: disagree
      mk("reviewed", "inconclusive", 40, hoursAgo(6)), // decided needs_more_info: not a label
      mk("pending_scan", null, null, hoursAgo(0)), // not scanned yet
      mk("cleared", "likely_authentic", 3, hoursAgo(24 * 40)), // outside the 30-day window
    ];
    await db.insert(cases).values(rows);
    const decide = (i: number, outcome: (typeof decisions.$inferInsert)["outcome"], at: Date) => ({ id: newId("decision"), caseId: rows[i]!.id, reviewerId: mod.id, outcome, createdAt: at });
    await db.insert(decisions).values([
      // Case 3 was first called authentic, then amended to AI: only the latest counts.
      decide(3, "authentic", hoursAgo(4)),
      decide(3, "confirmed_ai", hoursAgo(3)),
      decide(4, "authentic", hoursAgo(3)),
      decide(5, "authentic", hoursAgo(3)),
      decide(6, "needs_more_info", hoursAgo(3)),
    ]);

    const labels = await labelledScores(db);
    expect(labels.sort((a, b) => a.score - b.score)).toEqual([
      { score: 12, ai: false },
      { score: 60, ai: false },
      { score: 80, ai: true },
    ]);
    expect(rocCurve(labels).auc).toBe(1);

    const buckets = await recentScoreBuckets(db, 30);
    expect(buckets.reduce((a, b) => a + b.n, 0)).toBe(7);
    expect(buckets).toContainEqual({ score: 91, verdict: "ai_generated", n: 1 });

    const days = await volumePerDay(db, 30);
    expect(days).toHaveLength(30);
    expect(days.reduce((a, d) => a + d.total, 0)).toBe(8);
    expect(days.reduce((a, d) => a + d.byVerdict.unscanned, 0)).toBe(1);

    const q = await queueStats(db);
    expect(q.waiting).toBe(2);
    expect(q.byState).toEqual({ quarantined: 2 });
    expect(q.oldestHours).toBeGreaterThan(29.9);
    expect(q.oldestHours).toBeLessThan(31);
    expect(q.medianHours).toBeGreaterThan(1.9);
    expect(q.medianHours).toBeLessThan(31);

    const people = await decisionsPerReviewer(db, 30);
    expect(people).toEqual([{ reviewer: "mod-analytics@example.test", total: 5, byOutcome: { confirmed_ai: 1, authentic: 3, needs_more_info: 1 } }]);

    const agreement = await engineAgreement(db);
    expect(agreement.compared).toBe(3);
    expect(agreement.rate).toBeCloseTo(2 / 3, 10);
    expect(agreement.matrix.inconclusive.needs_more_info).toBe(1);
  });

  it("tells what each image list did: entries by hand and by decision, scans matched and decided", async () => {
    const db = shared.t().db;
    const admin = await insertTestUser(db, "admin", `admin-lists-${kind}@example.test`);
    const mod = await insertTestUser(db, "moderator", `mod-lists-${kind}@example.test`);
    const known = await createList({ ctx: { db, actor: admin }, input: { name: "A known", action: "quarantine", autoAddOutcome: "confirmed_ai" } });
    const ours = await createList({ ctx: { db, actor: admin }, input: { name: "B ours", action: "clear" } });
    const idle = await createList({ ctx: { db, actor: admin }, input: { name: "C idle", action: "clear" } });
    const picture = await makeJpeg({ width: 192, height: 160, seed: kind === "pglite" ? 8801 : 8901 });
    // On both lists by hand: its scans match both, and the quarantine list decides.
    await addFilesToList({ ctx: { db, actor: admin }, input: { listId: known.id, files: [{ name: "p.jpg", bytes: picture }] } });
    await addFilesToList({ ctx: { db, actor: admin }, input: { listId: ours.id, files: [{ name: "p.jpg", bytes: picture }] } });
    const submit = async (bytes: Buffer) => (await submitImage({ ctx: { db, actor: admin }, input: { bytes, filename: "x.jpg", source: "upload" } })).case.id;
    const matched = await submit(await makeJpeg({ width: 192, height: 160, seed: kind === "pglite" ? 8801 : 8901, quality: 60 }));
    const other = await submit(await makeJpeg({ width: 192, height: 160, seed: kind === "pglite" ? 8802 : 8902 }));
    const worker = startWorker({ db, concurrency: 1, leaseSeconds: 60, maxAttempts: 2, pollMs: 50, log: () => {} });
    await worker.drain();
    await worker.stop();
    expect((await db.select({ state: cases.state }).from(cases).where(eq(cases.id, matched)))[0]!.state).toBe("quarantined");
    // A decision adds the other picture to the list that adds by decision.
    await decideCase({ ctx: { db, actor: mod }, input: { caseId: other, outcome: "confirmed_ai" } });

    const activity = await listActivity(db, 30);
    const of = (id: string) => activity.find((a) => a.id === id);
    expect(of(known.id)).toEqual({ id: known.id, name: "A known", action: "quarantine", autoAddOutcome: "confirmed_ai", entries: 2, addedByHand: 1, addedByDecisions: 1, matchedScans: 1, decidedScans: 1 });
    expect(of(ours.id)).toMatchObject({ entries: 1, addedByHand: 1, addedByDecisions: 0, matchedScans: 1, decidedScans: 0 });
    expect(of(idle.id)).toMatchObject({ entries: 0, matchedScans: 0, decidedScans: 0 });
    expect(activity.map((a) => a.name)).toEqual([...activity.map((a) => a.name)].sort());
  });
});
