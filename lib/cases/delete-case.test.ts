// DELETE semantics: the bytes, display derivative and heatmaps go; a blob another live case shares
// stays until that case goes too; the row stays, marked deleted, hidden from every read, with an
// audit row keeping the hashes; only an admin or the submitting API key may delete.
import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { auditEvents, cases, detections, images } from "../../db/schema";
import type { Actor } from "../context";
import { makeJpeg } from "../detection/testing";
import { createJob } from "../jobs/create-job";
import { getJob } from "../jobs/queries";
import { getBlobStore, displayKey } from "../storage";
import { createTestDb, insertTestUser, TEST_DB_KINDS, useTempBlobStore, type TestDb } from "../testing/test-db";
import { insertTestApiKey, primeReport, reuseReport } from "../testing/webhook-fixtures";
import { startWorker } from "../worker/worker";
import { getCaseOriginal } from "./case-media";
import { deleteCase } from "./delete-case";
import { getCaseDetail, listCases } from "./queries";
import { queueParamsSchema } from "./queue-params";
import { countQueueStates } from "./queue-queries";
import { rescanCase } from "./rescan-case";
import { submitImage } from "./submit-image";

describe.each(TEST_DB_KINDS)("deleting a case on %s", (kind) => {
  let t: TestDb;
  let blobs: Awaited<ReturnType<typeof useTempBlobStore>>;
  let admin: Extract<Actor, { type: "user" }>;
  let editor: Extract<Actor, { type: "user" }>;
  let key: Extract<Actor, { type: "api_key" }>;
  let otherKey: Extract<Actor, { type: "api_key" }>;

  beforeEach(async () => {
    t = await createTestDb(kind);
    blobs = await useTempBlobStore();
    admin = await insertTestUser(t.db, "admin");
    editor = await insertTestUser(t.db, "editor");
    key = await insertTestApiKey(t.db, editor, "creator");
    otherKey = await insertTestApiKey(t.db, editor, "other");
    await primeReport(await makeJpeg({ width: 96, height: 96, seed: 4242 }));
  });
  afterEach(async () => {
    await t?.cleanup();
    await blobs?.cleanup();
  });

  const submit = (actor: Actor, bytes: Buffer, externalRef?: string) => submitImage({ ctx: { db: t.db, actor }, input: { bytes, filename: "d.jpg", source: "api", externalRef } });
  const scanAll = async () => {
    const worker = startWorker({ db: t.db, concurrency: 1, leaseSeconds: 60, maxAttempts: 3, pollMs: 50, detect: reuseReport, log: () => {} });
    await worker.drain();
    await worker.stop();
  };
  const heatmapKeys = async (caseId: string) =>
    (await t.db.select().from(detections).where(eq(detections.caseId, caseId))).flatMap((d) => d.signals.flatMap((s) => (s.heatmap ? [s.heatmap.key] : [])));

  it("removes bytes and heatmaps, keeps a shared blob for the other case, and audits the hashes", async () => {
    const bytes = await makeJpeg({ width: 90, height: 70, seed: 501 });
    const a = await submit(key, bytes, "shared");
    const b = await submit(editor, bytes);
    expect(b.image.id).toBe(a.image.id);
    await scanAll();
    const store = getBlobStore();
    const aHeatmaps = await heatmapKeys(a.case.id);
    expect(aHeatmaps.length).toBeGreaterThan(0);
    await store.put(displayKey(a.image.sha256), Buffer.from("derivative"));

    const first = await deleteCase({ ctx: { db: t.db, actor: key }, input: { caseId: a.case.id } });
    expect(first).toMatchObject({ id: a.case.id, imageDeleted: false, heatmapsDeleted: aHeatmaps.length });
    // B shares the bytes: they stay, and B still reads them.
    expect(await store.exists(a.image.storageKey)).toBe(true);
    expect((await getCaseOriginal(t.db, b.case.id)).bytes.equals(bytes)).toBe(true);
    for (const k of aHeatmaps) expect(await store.exists(k)).toBe(false);
    for (const k of await heatmapKeys(b.case.id)) expect(await store.exists(k)).toBe(true);

    // A is gone from every read, but its row and audit trail remain.
    expect(await getCaseDetail(t.db, a.case.id)).toBeNull();
    await expect(getCaseOriginal(t.db, a.case.id)).rejects.toMatchObject({ code: "not_found" });
    expect((await listCases(t.db)).items.map((r) => r.case.id)).toEqual([b.case.id]);
    expect((await listCases(t.db, { externalRef: "shared" })).items).toHaveLength(0);
    expect((await countQueueStates(t.db, queueParamsSchema.parse({}))).all).toBe(1);
    const [row] = await t.db.select().from(cases).where(eq(cases.id, a.case.id));
    expect(row!.deletedAt).not.toBeNull();
    const [audit] = await t.db.select().from(auditEvents).where(eq(auditEvents.action, "case.deleted"));
    expect(audit).toMatchObject({ caseId: a.case.id, actorType: "api_key", actorId: key.id });
    expect(audit!.data).toMatchObject({ sha256: a.image.sha256, dhash: a.image.phash, imageDeleted: false });
    await expect(deleteCase({ ctx: { db: t.db, actor: key }, input: { caseId: a.case.id } })).rejects.toMatchObject({ code: "not_found" });
    await expect(rescanCase({ ctx: { db: t.db, actor: admin }, input: { caseId: a.case.id } })).rejects.toMatchObject({ code: "not_found" });

    // The last case of those bytes: now the blob and its derivative go too.
    const second = await deleteCase({ ctx: { db: t.db, actor: admin }, input: { caseId: b.case.id } });
    expect(second.imageDeleted).toBe(true);
    expect(await store.exists(a.image.storageKey)).toBe(false);
    expect(await store.exists(displayKey(a.image.sha256))).toBe(false);
    const [image] = await t.db.select().from(images).where(eq(images.id, a.image.id));
    expect(image!.sha256).toBe(a.image.sha256);

    // Submitting the same bytes again stores them again.
    const c = await submit(editor, bytes);
    expect(c.image.id).toBe(a.image.id);
    expect((await getCaseOriginal(t.db, c.case.id)).bytes.equals(bytes)).toBe(true);
  });

  it("only an admin or the API key that submitted the case may delete it", async () => {
    const viaKey = await submit(key, await makeJpeg({ width: 64, height: 64, seed: 502 }));
    const viaUser = await submit(editor, await makeJpeg({ width: 64, height: 64, seed: 503 }));
    for (const actor of [otherKey, editor] as Actor[]) {
      await expect(deleteCase({ ctx: { db: t.db, actor }, input: { caseId: viaKey.case.id } })).rejects.toMatchObject({ code: "forbidden" });
    }
    await expect(deleteCase({ ctx: { db: t.db, actor: key }, input: { caseId: viaUser.case.id } })).rejects.toMatchObject({ code: "forbidden" });
    await expect(deleteCase({ ctx: { db: t.db, actor: { type: "worker", id: "wrk_x" } }, input: { caseId: viaKey.case.id } })).rejects.toMatchObject({ code: "forbidden" });
    await expect(deleteCase({ ctx: { db: t.db, actor: key }, input: { caseId: "case_missing" } })).rejects.toMatchObject({ code: "not_found" });
    expect((await deleteCase({ ctx: { db: t.db, actor: key }, input: { caseId: viaKey.case.id } })).imageDeleted).toBe(true);
    expect((await deleteCase({ ctx: { db: t.db, actor: admin }, input: { caseId: viaUser.case.id } })).imageDeleted).toBe(true);
  });

  it("a pending case deleted before its scan is never scanned, and its job answers 404", async () => {
    const job = await createJob({ ctx: { db: t.db, actor: key }, input: { bytes: await makeJpeg({ width: 64, height: 64, seed: 504 }) } });
    await deleteCase({ ctx: { db: t.db, actor: key }, input: { caseId: job.case.id } });
    await scanAll();
    expect(await t.db.select().from(detections)).toHaveLength(0);
    const [row] = await t.db.select().from(cases).where(eq(cases.id, job.case.id));
    expect(row!.state).toBe("pending_scan");
    expect(await getJob(t.db, job.job.id)).toBeNull();
  });
});
