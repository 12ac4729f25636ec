// The upload's decode handed to this process's scan: once, by sha256, within a byte budget and an age;
// and end to end, a scan that takes it makes the report a fresh decode makes.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { users } from "../../db/schema";
import { submitImage } from "../cases/submit-image";
import type { Actor } from "../context";
import { runDetection, type DetectionReport, type ImageError, type Predecoded, type RawImage, type Result } from "../detection";
import { makeJpeg } from "../detection/testing";
import { newId } from "../ids";
import { createTestDb, TEST_DB_KINDS, useTempBlobStore, type TestDb } from "../testing/test-db";
import { decodedHandoffStats, HANDOFF_MAX_AGE_MS, HANDOFF_MAX_BYTES, offerDecoded, setDecodedHandoff, takeDecoded } from "./decoded-handoff";
import type { DetectFn } from "./scan-case";
import { startWorker } from "./worker";

const decode = (size: number): Predecoded => ({ analysis: { data: Buffer.alloc(size), width: 1, height: size / 3, channels: 3 } as RawImage, dhash: "0123456789abcdef" });

describe("decoded hand-off", () => {
  afterEach(() => setDecodedHandoff(false));

  it("keeps nothing unless a scan in this process can take it; hands each entry over once", () => {
    offerDecoded("a", Buffer.alloc(10), decode(30));
    expect(takeDecoded("a")).toBeNull();
    setDecodedHandoff(true);
    const bytes = Buffer.alloc(10);
    const predecoded = decode(30);
    offerDecoded("a", bytes, predecoded);
    expect(decodedHandoffStats()).toEqual({ entries: 1, bytes: 40, enabled: true });
    expect(takeDecoded("a")).toEqual({ bytes, predecoded });
    expect(takeDecoded("a")).toBeNull();
    expect(decodedHandoffStats().bytes).toBe(0);
  });

  it("drops the oldest over its byte budget, and whatever is past its age", () => {
    setDecodedHandoff(true);
    const quarter = HANDOFF_MAX_BYTES / 4 - 3;
    for (const k of ["a", "b", "c", "d", "e"]) offerDecoded(k, Buffer.alloc(0), decode(quarter), 1000);
    expect(decodedHandoffStats().entries).toBe(4);
    expect(takeDecoded("a", 1000)).toBeNull();
    expect(takeDecoded("b", 1000)).not.toBeNull();
    // Too large to keep at all.
    offerDecoded("huge", Buffer.alloc(0), decode(HANDOFF_MAX_BYTES / 4 + 3), 1000);
    expect(takeDecoded("huge", 1000)).toBeNull();
    // Past its age: not handed over, and dropped by the next offer.
    expect(takeDecoded("c", 1000 + HANDOFF_MAX_AGE_MS + 1)).toBeNull();
    offerDecoded("f", Buffer.alloc(0), decode(3), 1000 + HANDOFF_MAX_AGE_MS + 1);
    expect(decodedHandoffStats().entries).toBe(1);
    setDecodedHandoff(false);
    expect(decodedHandoffStats()).toEqual({ entries: 0, bytes: 0, enabled: false });
  });
});

describe.each(TEST_DB_KINDS)("an upload's scan in the same process on %s", (kind) => {
  let t: TestDb;
  let blobs: Awaited<ReturnType<typeof useTempBlobStore>>;
  let editor: Actor;
  beforeAll(async () => {
    blobs = await useTempBlobStore();
    t = await createTestDb(kind);
    const id = newId("user");
    await t.db.insert(users).values({ id, email: "ed@example.test", passwordHash: "x", role: "editor" });
    editor = { type: "user", id, role: "editor", email: "ed@example.test" };
  });
  afterAll(async () => {
    setDecodedHandoff(false);
    await t?.cleanup();
    await blobs?.cleanup();
  });

  it("takes the upload's bytes, raster and hash instead of reading, decoding and hashing them, with the same report", async () => {
    setDecodedHandoff(true);
    const bytes = await makeJpeg({ width: 320, height: 240, seed: 77 });
    const seen: { bytes: Buffer; predecoded?: Predecoded }[] = [];
    const detect: DetectFn = async (b, predecoded) => {
      seen.push({ bytes: b, predecoded });
      return runDetection(b, { heatmaps: true, predecoded });
    };
    const handed = await submitImage({ ctx: { db: t.db, actor: editor }, input: { bytes, filename: "a.jpg", source: "upload" } });
    expect(decodedHandoffStats().entries).toBe(1);
    // A second upload of the same bytes, once the first's entry is taken: read and decoded as before.
    const worker = startWorker({ db: t.db, concurrency: 1, leaseSeconds: 60, maxAttempts: 3, pollMs: 50, log: () => {}, detect });
    await worker.drain();
    expect(seen).toHaveLength(1);
    expect(seen[0]!.bytes).toBe(bytes);
    expect(seen[0]!.predecoded?.analysis).toMatchObject({ width: 320, height: 240, channels: 3 });
    expect(seen[0]!.predecoded?.dhash).toBe(handed.image.phash);
    setDecodedHandoff(false);
    await submitImage({ ctx: { db: t.db, actor: editor }, input: { bytes, filename: "b.jpg", source: "upload" } });
    await worker.drain();
    await worker.stop();
    expect(seen).toHaveLength(2);
    expect(seen[1]!.predecoded).toBeUndefined();
    expect(seen[1]!.bytes.equals(bytes)).toBe(true);
    // The same report either way (the timings aside).
    const [a, b] = await Promise.all(seen.map((s) => runDetection(s.bytes, { heatmaps: true, predecoded: s.predecoded })));
    const strip = (r: Result<DetectionReport, ImageError> | undefined) => {
      if (!r?.ok) throw new Error("the scan's image was refused");
      return { ...r.value, timings: null, signals: r.value.signals.map((s) => ({ ...s, ms: 0 })) };
    };
    expect(strip(a)).toEqual(strip(b));
    expect(handed.case.state).toBe("pending_scan");
  });
});
