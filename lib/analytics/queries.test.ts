// The dashboard's and policy editor's aggregates, on a small known set of cases and decisions.
import { describe, expect, it } from "vitest";
import { cases, decisions, images, policies } from "../../db/schema";
import { newId } from "../ids";
import { useSharedTestDb } from "../testing/shared-test-db";
import { insertTestUser, TEST_DB_KINDS } from "../testing/test-db";
import { decisionsPerReviewer, engineAgreement, labelledScores, queueStats, recentScoreBuckets, volumePerDay } from "./queries";
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
});
