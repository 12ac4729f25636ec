// Image retention: a policy's settled cases lose their image after its days, and nothing else does;
// the case stays readable, its pictures answer image_removed, a shared original stays while another
// case shows it, each removal is audited once even when sweeps race, and the setting is validated.
import { and, eq, sql } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { auditEvents, cases, detections, policies } from "../../db/schema";
import { storageSummary } from "../analytics/queries";
import type { Actor } from "../context";
import { makeJpeg } from "../detection/testing";
import { savePolicy } from "../policies/save-policy";
import { displayKey, getBlobStore, thumbnailKey } from "../storage";
import { createTestDb, insertTestUser, TEST_DB_KINDS, useTempBlobStore, type TestDb } from "../testing/test-db";
import { primeReport, reuseReport } from "../testing/webhook-fixtures";
import { startWorker } from "../worker/worker";
import { getCaseDisplayImage, getCaseHeatmap, getCaseOriginal, getCaseThumbnail } from "./case-media";
import { decideCase } from "./decide-case";
import { deleteCase } from "./delete-case";
import { getCaseDetail } from "./queries";
import { queueParamsSchema } from "./queue-params";
import { listQueue } from "./queue-queries";
import { rescanCase } from "./rescan-case";
import { blobStoreHoldsImages, retentionStatus, setRetention, sweepRetention } from "./retention";
import { submitImage } from "./submit-image";

describe.each(TEST_DB_KINDS)("image retention on %s", (kind) => {
  let t: TestDb;
  let blobs: Awaited<ReturnType<typeof useTempBlobStore>>;
  let admin: Extract<Actor, { type: "user" }>;
  let moderator: Extract<Actor, { type: "user" }>;
  let defaultPolicy: string;

  beforeEach(async () => {
    t = await createTestDb(kind);
    blobs = await useTempBlobStore();
    admin = await insertTestUser(t.db, "admin");
    moderator = await insertTestUser(t.db, "moderator");
    await primeReport(await makeJpeg({ width: 96, height: 96, seed: 4343 }));
    const [p] = await t.db.select().from(policies).where(eq(policies.isDefault, true));
    defaultPolicy = p!.name;
  });
  afterEach(async () => {
    await t?.cleanup();
    await blobs?.cleanup();
  });

  const submit = (bytes: Buffer) => submitImage({ ctx: { db: t.db, actor: admin }, input: { bytes, filename: "r.jpg", source: "upload" } });
  const scanAll = async () => {
    const worker = startWorker({ db: t.db, concurrency: 1, leaseSeconds: 60, maxAttempts: 3, pollMs: 50, detect: reuseReport, log: () => {} });
    await worker.drain();
    await worker.stop();
  };
  /** Moves a case's settlement (its scan, and its review when it has one) `days` into the past. */
  const settledDaysAgo = (caseId: string, days: number) =>
    t.db
      .update(cases)
      .set({
        scannedAt: sql`now() - make_interval(days => ${days})` as unknown as Date,
        reviewedAt: sql`case when ${cases.reviewedAt} is null then null else now() - make_interval(days => ${days}) end` as unknown as Date,
      })
      .where(eq(cases.id, caseId));
  const setState = (caseId: string, state: "cleared" | "quarantined") => t.db.update(cases).set({ state }).where(eq(cases.id, caseId));
  const heatmapKeys = async (caseId: string) =>
    (await t.db.select().from(detections).where(eq(detections.caseId, caseId))).flatMap((d) => d.signals.flatMap((s) => (s.heatmap ? [s.heatmap.key] : [])));
  const removedAudits = () => t.db.select().from(auditEvents).where(eq(auditEvents.action, "case.image_removed"));

  it("removes the images of settled cases past the policy's days, and leaves every other case alone", async () => {
    const shared = await makeJpeg({ width: 90, height: 70, seed: 601 });
    const old = await submit(shared); // cleared 40 days ago; shares its bytes with `recent`
    const recent = await submit(shared); // cleared 5 days ago
    const reviewed = await submit(await makeJpeg({ width: 80, height: 60, seed: 602 })); // reviewed 40 days ago
    const waiting = await submit(await makeJpeg({ width: 70, height: 50, seed: 603 })); // quarantined 40 days ago
    const claimed = await submit(await makeJpeg({ width: 60, height: 40, seed: 604 })); // cleared 40 days ago, open in a moderator's hands
    const otherPolicy = await submit(await makeJpeg({ width: 50, height: 30, seed: 605 })); // a policy without retention
    await scanAll();
    for (const c of [old, recent, reviewed, claimed, otherPolicy]) await setState(c.case.id, "cleared");
    await setState(waiting.case.id, "quarantined");
    await decideCase({ ctx: { db: t.db, actor: moderator }, input: { caseId: reviewed.case.id, outcome: "confirmed_ai" } });
    for (const c of [old, reviewed, waiting, claimed, otherPolicy]) await settledDaysAgo(c.case.id, 40);
    await settledDaysAgo(recent.case.id, 5);
    await t.db.update(cases).set({ claimedBy: moderator.id, claimExpiresAt: sql`now() + interval '5 minutes'` as unknown as Date }).where(eq(cases.id, claimed.case.id));
    const keeper = await savePolicy({ ctx: { db: t.db, actor: admin }, input: { name: "keep", quarantineThreshold: 50, inconclusiveAction: "quarantine" } });
    await t.db.update(cases).set({ policyId: keeper.id }).where(eq(cases.id, otherPolicy.case.id));

    const store = getBlobStore();
    await store.put(displayKey(reviewed.image.sha256), Buffer.from("derivative"));
    await getCaseThumbnail(t.db, reviewed.case.id); // made and kept on first view
    const oldMaps = await heatmapKeys(old.case.id);
    const reviewedMaps = await heatmapKeys(reviewed.case.id);
    expect(oldMaps.length).toBeGreaterThan(0);

    // Nothing happens without a retention.
    expect(await sweepRetention(t.db)).toEqual({ removed: 0, originalsDeleted: 0, heatmapsDeleted: 0, more: false });
    await setRetention({ ctx: { db: t.db, actor: admin }, input: { policy: defaultPolicy, days: 30 } });
    expect(await retentionStatus(t.db)).toEqual([{ policyId: expect.any(String), policy: defaultPolicy, retentionDays: 30, due: 2, removed: 0 }]);

    expect(await storageSummary(t.db)).toMatchObject({ originals: 5, removed: 0, dueNow: 2 });
    const sweep = await sweepRetention(t.db);
    expect(sweep).toEqual({ removed: 2, originalsDeleted: 1, heatmapsDeleted: oldMaps.length + reviewedMaps.length, more: false });
    const removed = await t.db.select({ id: cases.id }).from(cases).where(sql`${cases.imageRemovedAt} is not null`);
    expect(removed.map((r) => r.id).sort()).toEqual([old.case.id, reviewed.case.id].sort());

    // The shared original stays for `recent`; the reviewed case's original, derivative and maps are gone.
    expect(await store.exists(old.image.storageKey)).toBe(true);
    expect((await getCaseOriginal(t.db, recent.case.id)).bytes.equals(shared)).toBe(true);
    for (const k of oldMaps) expect(await store.exists(k)).toBe(false);
    expect(await store.exists(reviewed.image.storageKey)).toBe(false);
    expect(await store.exists(displayKey(reviewed.image.sha256))).toBe(false);
    expect(await store.exists(thumbnailKey(reviewed.image.sha256))).toBe(false);
    for (const k of reviewedMaps) expect(await store.exists(k)).toBe(false);
    for (const c of [waiting, claimed, otherPolicy]) expect((await getCaseOriginal(t.db, c.case.id)).bytes.length).toBeGreaterThan(0);

    // The case itself stays readable, in the queue, with its verdict and decision; its pictures answer 410.
    const detail = await getCaseDetail(t.db, reviewed.case.id);
    expect(detail?.case.imageRemovedAt).toBeInstanceOf(Date);
    expect(detail?.decisions).toHaveLength(1);
    expect(detail?.detection?.score).toEqual(expect.any(Number));
    await expect(getCaseOriginal(t.db, old.case.id)).rejects.toMatchObject({ code: "image_removed", status: 410 });
    await expect(getCaseDisplayImage(t.db, reviewed.case.id)).rejects.toMatchObject({ code: "image_removed" });
    await expect(getCaseHeatmap(t.db, reviewed.case.id, "ela")).rejects.toMatchObject({ code: "image_removed" });
    const queue = await listQueue(t.db, queueParamsSchema.parse({ limit: "50" }));
    expect(Object.fromEntries(queue.items.map((r) => [r.id, r.imageRemoved]))).toEqual({
      [old.case.id]: true,
      [recent.case.id]: false,
      [reviewed.case.id]: true,
      [waiting.case.id]: false,
      [claimed.case.id]: false,
      [otherPolicy.case.id]: false,
    });
    await expect(rescanCase({ ctx: { db: t.db, actor: admin }, input: { caseId: old.case.id } })).rejects.toMatchObject({ code: "image_removed" });
    // The dashboard's storage figures: the shared original still shown by `recent` counts once.
    expect(await storageSummary(t.db)).toEqual({
      originals: 4,
      originalBytes: [recent, waiting, claimed, otherPolicy].reduce((a, c) => a + c.image.sizeBytes, 0),
      removed: 2,
      removedRecently: 2,
      dueNow: 0,
      cacheEntries: 0,
    });

    // One audit row a case, keeping the hashes.
    const audits = await removedAudits();
    expect(audits).toHaveLength(2);
    const reviewedAudit = audits.find((a) => a.caseId === reviewed.case.id);
    expect(reviewedAudit?.actorType).toBe("system");
    expect(reviewedAudit?.data).toMatchObject({ policy: defaultPolicy, retentionDays: 30, sha256: reviewed.image.sha256, imageDeleted: true, heatmapsDeleted: reviewedMaps.length });

    // A second sweep finds nothing; once `recent` is due too, the shared original goes with it.
    expect((await sweepRetention(t.db)).removed).toBe(0);
    await settledDaysAgo(recent.case.id, 31);
    expect(await sweepRetention(t.db)).toMatchObject({ removed: 1, originalsDeleted: 1 });
    expect(await store.exists(old.image.storageKey)).toBe(false);
    expect(await retentionStatus(t.db)).toEqual([expect.objectContaining({ due: 0, removed: 3 })]);

    // The same bytes submitted again are stored again for the new case.
    const again = await submit(shared);
    expect((await getCaseOriginal(t.db, again.case.id)).bytes.equals(shared)).toBe(true);

    // Deleting a case whose image is gone still works, and leaves the new case's bytes.
    await deleteCase({ ctx: { db: t.db, actor: admin }, input: { caseId: old.case.id } });
    expect(await store.exists(again.image.storageKey)).toBe(true);
  });

  it("removes each image once when sweeps race, takes a batch at a time, and stops when the retention is turned off", async () => {
    const made = [];
    for (let i = 0; i < 5; i++) made.push(await submit(await makeJpeg({ width: 64, height: 48, seed: 700 + i })));
    await scanAll();
    for (const c of made) {
      await setState(c.case.id, "cleared");
      await settledDaysAgo(c.case.id, 3);
    }
    await setRetention({ ctx: { db: t.db, actor: admin }, input: { policy: defaultPolicy, days: 1 } });
    const first = await sweepRetention(t.db, { batch: 2 });
    expect(first).toMatchObject({ removed: 2, more: true });
    const raced = await Promise.all([sweepRetention(t.db), sweepRetention(t.db)]);
    expect(raced[0]!.removed + raced[1]!.removed).toBe(3);
    expect(await removedAudits()).toHaveLength(5);

    const later = await submit(await makeJpeg({ width: 64, height: 48, seed: 799 }));
    await scanAll();
    await setState(later.case.id, "cleared");
    await settledDaysAgo(later.case.id, 3);
    await setRetention({ ctx: { db: t.db, actor: admin }, input: { policy: defaultPolicy, days: null } });
    expect((await sweepRetention(t.db)).removed).toBe(0);
    expect(await retentionStatus(t.db)).toEqual([]);
    const [row] = await t.db.select({ removedAt: cases.imageRemovedAt }).from(cases).where(and(eq(cases.id, later.case.id)));
    expect(row?.removedAt).toBeNull();
  });

  it("tells whether a process's blob store is the one that holds the images", async () => {
    expect(await blobStoreHoldsImages(t.db)).toBe(true); // no case yet
    await submit(await makeJpeg({ width: 64, height: 48, seed: 801 }));
    expect(await blobStoreHoldsImages(t.db)).toBe(true);
    const elsewhere = await useTempBlobStore(); // as a command started without the server's DATA_DIR
    try {
      expect(await blobStoreHoldsImages(t.db)).toBe(false);
    } finally {
      await elsewhere.cleanup();
    }
  });

  it("validates the setting: whole days from 1 to 3650, blank keeps images; only admins set it", async () => {
    const base = { name: "short", quarantineThreshold: 50, inconclusiveAction: "quarantine" as const };
    const ctx = { db: t.db, actor: admin };
    expect((await savePolicy({ ctx, input: { ...base, retentionDays: "14" } })).retentionDays).toBe(14);
    const saved = await savePolicy({ ctx, input: { ...base, name: "blank", retentionDays: "" } });
    expect(saved.retentionDays).toBeNull();
    for (const bad of ["0", "3651", "1.5", "soon"]) {
      await expect(savePolicy({ ctx, input: { ...base, name: "bad", retentionDays: bad } })).rejects.toThrow(/1 to 3650 days/);
    }
    await expect(setRetention({ ctx: { db: t.db, actor: moderator }, input: { policy: "short", days: 2 } })).rejects.toMatchObject({ code: "forbidden" });
    await expect(setRetention({ ctx, input: { policy: "nope", days: 2 } })).rejects.toMatchObject({ code: "not_found" });
  });
});
