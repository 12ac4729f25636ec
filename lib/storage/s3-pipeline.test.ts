// The app's own code path with BLOB_STORE=s3 against a real S3-protocol server (s3rver, started here):
// submit → worker scan → the reads behind the image and heatmap routes. Every blob must be in the
// bucket (checked with a separate client), and what the routes serve must be those objects.
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cases, detections } from "../../db/schema";
import { getCaseDisplayImage, getCaseHeatmap, getCaseOriginal } from "../cases/case-media";
import { submitImage } from "../cases/submit-image";
import { makeJpeg, makeTiff } from "../detection/testing";
import { parseEnv } from "../env";
import { createTestDb, insertTestUser, TEST_DB_KINDS, type TestDb } from "../testing/test-db";
import { startTestS3Server, type TestS3Server } from "../testing/s3-server";
import { startWorker } from "../worker/worker";
import { createBlobStore, displayKey, getBlobStore, setBlobStore, type BlobStore } from ".";
import { S3BlobStore } from "./s3-blob-store";

describe.each(TEST_DB_KINDS)("BLOB_STORE=s3 end to end on %s", (kind) => {
  let s3: TestS3Server;
  let t: TestDb;
  let bucket: BlobStore;

  beforeAll(async () => {
    s3 = await startTestS3Server();
    // The store the app uses, built from the environment exactly as getBlobStore() builds it.
    setBlobStore(createBlobStore(parseEnv(s3.env)));
    // An independent client on the same bucket: what another machine would see.
    bucket = createBlobStore(parseEnv(s3.env));
    t = await createTestDb(kind);
  });
  afterAll(async () => {
    setBlobStore(undefined);
    await t?.cleanup();
    await s3?.close();
  });

  const scanAll = async () => {
    const worker = startWorker({ db: t.db, concurrency: 1, leaseSeconds: 60, maxAttempts: 3, pollMs: 50, log: () => {} });
    await worker.drain();
    await worker.stop();
  };

  it("uses the S3 store", () => {
    expect(getBlobStore()).toBeInstanceOf(S3BlobStore);
  });

  it("an upload lands in the bucket, is scanned from it, and its original and heatmaps are served from it", async () => {
    const actor = await insertTestUser(t.db, "editor");
    const bytes = await makeJpeg({ width: 320, height: 240, seed: 31 });
    const { case: c, image } = await submitImage({ ctx: { db: t.db, actor }, input: { bytes, filename: "s3.jpg", source: "upload" } });
    expect((await bucket.get(image.storageKey))!.equals(bytes)).toBe(true);

    await scanAll();
    const [row] = await t.db.select().from(cases).where(eq(cases.id, c.id));
    expect({ state: row!.state, error: row!.lastError }).toEqual({ state: expect.stringMatching(/^(quarantined|cleared)$/), error: null });

    const [det] = await t.db.select().from(detections).where(eq(detections.caseId, c.id));
    const heatmaps = det!.signals.flatMap((s) => (s.heatmap ? [{ signal: s.id, key: s.heatmap.key }] : []));
    expect(heatmaps.length).toBeGreaterThan(0);
    for (const h of heatmaps) {
      const stored = await bucket.get(h.key);
      expect(stored, h.key).not.toBeNull();
      const served = await getCaseHeatmap(t.db, c.id, h.signal, det!.id);
      expect(served.mime).toBe("image/png");
      expect(served.bytes.equals(stored!)).toBe(true);
    }

    const original = await getCaseOriginal(t.db, c.id);
    expect(original).toEqual({ bytes, mime: "image/jpeg" });
  });

  it("identical bytes submitted twice reuse the one object", async () => {
    const actor = await insertTestUser(t.db, "editor");
    const bytes = await makeJpeg({ width: 200, height: 200, seed: 32 });
    const a = await submitImage({ ctx: { db: t.db, actor }, input: { bytes, filename: "a.jpg", source: "upload" } });
    const b = await submitImage({ ctx: { db: t.db, actor }, input: { bytes, filename: "b.jpg", source: "api" } });
    expect(b.deduplicated).toBe(true);
    expect(b.image.storageKey).toBe(a.image.storageKey);
    expect(await bucket.exists(a.image.storageKey)).toBe(true);
  });

  it("a display derivative (TIFF → WebP) is rendered once and kept in the bucket", async () => {
    const actor = await insertTestUser(t.db, "editor");
    const bytes = await makeTiff({ width: 320, height: 240, seed: 33 });
    const { case: c, image } = await submitImage({ ctx: { db: t.db, actor }, input: { bytes, filename: "x.tiff", source: "upload" } });
    expect(await bucket.exists(displayKey(image.sha256))).toBe(false);
    const first = await getCaseDisplayImage(t.db, c.id);
    expect(first.mime).toBe("image/webp");
    expect((await bucket.get(displayKey(image.sha256)))!.equals(first.bytes)).toBe(true);
    // A second view (any web server) reads the kept object.
    expect((await getCaseDisplayImage(t.db, c.id)).bytes.equals(first.bytes)).toBe(true);
  });

  it("a missing object is the routes' not_found, not an internal error", async () => {
    const actor = await insertTestUser(t.db, "editor");
    const bytes = await makeJpeg({ width: 120, height: 90, seed: 34 });
    const { case: c, image } = await submitImage({ ctx: { db: t.db, actor }, input: { bytes, filename: "lost.jpg", source: "upload" } });
    await bucket.delete(image.storageKey);
    await expect(getCaseOriginal(t.db, c.id)).rejects.toMatchObject({ code: "not_found" });
  });
});
