// Upload → worker → case states, against PGlite and (when configured) a real PostgreSQL.
import { asc, eq } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { auditEvents, cases, detections, images, users } from "../../db/schema";
import type { Actor } from "../context";
import { makeJpeg, makePng, makeTruncatedJpeg } from "../detection/testing";
import { AppError } from "../errors";
import { newId } from "../ids";
import { createTestDb, TEST_DB_KINDS, useTempBlobStore, type TestDb } from "../testing/test-db";
import { startWorker } from "../worker/worker";
import { decideCase } from "./decide-case";
import { rescanCase } from "./rescan-case";
import { submitImage } from "./submit-image";

describe.each(TEST_DB_KINDS)("pipeline on %s", (kind) => {
  // Each test gets its own database, so any one of them can run alone and none sees another's rows.
  let t: TestDb;
  let blobs: Awaited<ReturnType<typeof useTempBlobStore>>;
  let editor: Actor;
  let moderator: Actor;

  beforeAll(async () => {
    blobs = await useTempBlobStore();
  });
  afterAll(async () => {
    await blobs?.cleanup();
  });
  beforeEach(async () => {
    t = await createTestDb(kind);
    const ids = { editor: newId("user"), moderator: newId("user") };
    await t.db.insert(users).values([
      { id: ids.editor, email: "ed@example.test", passwordHash: "x", role: "editor" },
      { id: ids.moderator, email: "mod@example.test", passwordHash: "x", role: "moderator" },
    ]);
    editor = { type: "user", id: ids.editor, role: "editor", email: "ed@example.test" };
    moderator = { type: "user", id: ids.moderator, role: "moderator", email: "mod@example.test" };
  });
  afterEach(async () => {
    await t?.cleanup();
  });

  const submit = (bytes: Buffer, filename: string) => submitImage({ ctx: { db: t.db, actor: editor }, input: { bytes, filename, source: "upload" } });
  const drain = async () => {
    const worker = startWorker({ db: t.db, concurrency: 2, leaseSeconds: 60, maxAttempts: 3, pollMs: 50, log: () => {} });
    await worker.drain();
    await worker.stop();
  };

  it("refuses bad files with stable codes and accepts good ones in the same batch", async () => {
    const batch: { name: string; bytes: Buffer }[] = [
      { name: "good1.jpg", bytes: await makeJpeg({ width: 320, height: 240, seed: 11 }) },
      { name: "truncated.jpg", bytes: await makeTruncatedJpeg({ width: 320, height: 240, seed: 12 }) },
      { name: "notes.png", bytes: Buffer.from("this is a text file, not an image\n") },
      { name: "empty.png", bytes: Buffer.alloc(0) },
      { name: "good2.png", bytes: await makePng({ width: 300, height: 200, seed: 13 }) },
    ];
    const outcomes = await Promise.all(
      batch.map((f) =>
        submitImage({ ctx: { db: t.db, actor: editor }, input: { bytes: f.bytes, filename: f.name, source: "upload" } }).then(
          (r) => ({ name: f.name, ok: true as const, caseId: r.case.id }),
          (e: AppError) => ({ name: f.name, ok: false as const, code: e.code }),
        ),
      ),
    );
    expect(outcomes.map((o) => (o.ok ? "ok" : o.code))).toEqual([
      "ok",
      "image_corrupt",
      "image_unsupported_format",
      "image_empty",
      "ok",
    ]);
    const rows = await t.db.select().from(cases);
    expect(rows).toHaveLength(2);
    expect(rows.every((r) => r.state === "pending_scan")).toBe(true);
  });

  it("reuses the stored image for identical bytes", async () => {
    const bytes = await makeJpeg({ width: 200, height: 200, seed: 21 });
    const a = await submitImage({ ctx: { db: t.db, actor: editor }, input: { bytes, filename: "a.jpg", source: "upload" } });
    const b = await submitImage({ ctx: { db: t.db, actor: editor }, input: { bytes, filename: "b.jpg", source: "api" } });
    expect(a.deduplicated).toBe(false);
    expect(b.deduplicated).toBe(true);
    expect(b.image.id).toBe(a.image.id);
    expect(b.case.id).not.toBe(a.case.id);
    const imgs = await t.db.select().from(images).where(eq(images.sha256, a.image.sha256));
    expect(imgs).toHaveLength(1);
  });

  it("scans every pending case to quarantined or cleared with one detection each, then a decision reviews it", async () => {
    await submit(await makeJpeg({ width: 320, height: 240, seed: 41 }), "a.jpg");
    await submit(await makePng({ width: 300, height: 200, seed: 42 }), "b.png");
    await submit(await makeJpeg({ width: 200, height: 260, seed: 43, quality: 70 }), "c.jpg");
    await drain();
    const rows = await t.db.select().from(cases);
    expect(rows).toHaveLength(3);
    for (const row of rows) {
      expect({ id: row.id, state: row.state, error: row.lastError }).toMatchObject({ state: expect.stringMatching(/^(quarantined|cleared)$/) });
      expect(row.score).not.toBeNull();
      const dets = await t.db.select().from(detections).where(eq(detections.caseId, row.id));
      expect(dets).toHaveLength(1);
      expect(dets[0]!.engineVersion).toMatch(/\S/);
      expect(Array.isArray(dets[0]!.signals)).toBe(true);
    }
    const target = rows[0]!;
    await expect(decideCase({ ctx: { db: t.db, actor: editor }, input: { caseId: target.id, outcome: "authentic" } })).rejects.toMatchObject({ code: "forbidden" });
    const decided = await decideCase({ ctx: { db: t.db, actor: moderator }, input: { caseId: target.id, outcome: "authentic", note: "checked source" } });
    expect(decided.case.state).toBe("reviewed");
    await expect(decideCase({ ctx: { db: t.db, actor: moderator }, input: { caseId: target.id, outcome: "authentic" } })).rejects.toMatchObject({ code: "invalid_transition" });
    const trail = await t.db.select().from(auditEvents).where(eq(auditEvents.caseId, target.id));
    const moves = trail.filter((e) => e.action === "case.transition").map((e) => (e.data as { to: string }).to);
    expect(moves).toEqual(["scanning", target.state, "reviewed"]);

    const again = await rescanCase({ ctx: { db: t.db, actor: moderator }, input: { caseId: target.id } });
    expect(again.state).toBe("pending_scan");
  });

  it("retries a failing scan with backoff and ends in manual_review after max attempts", async () => {
    const bytes = await makeJpeg({ width: 128, height: 128, seed: 31 });
    const { case: c } = await submit(bytes, "flaky.jpg");
    const failing = async () => {
      throw new Error('model server exploded: insert into "detections" values ($1, $2)');
    };
    const logged: string[] = [];
    for (let attempt = 1; attempt <= 3; attempt++) {
      const worker = startWorker({ db: t.db, concurrency: 1, leaseSeconds: 60, maxAttempts: 3, pollMs: 50, detect: failing, log: (m) => logged.push(m) });
      await worker.drain();
      await worker.stop();
      const [row] = await t.db.select().from(cases).where(eq(cases.id, c.id));
      expect(row!.attempts).toBe(attempt);
      // Users read a message with the case id; the internal text stays in the log.
      expect(row!.lastError).toContain(c.id);
      expect(row!.lastError).not.toContain("model server exploded");
      expect(row!.state).toBe(attempt < 3 ? "retry_pending" : "manual_review");
      // Skip the backoff wait.
      await t.db.update(cases).set({ nextAttemptAt: new Date(Date.now() - 1000) }).where(eq(cases.id, c.id));
    }
    const dets = await t.db.select().from(detections).where(eq(detections.caseId, c.id));
    expect(dets).toHaveLength(0);
    // The log says why, with the case id.
    expect(logged.filter((m) => m.includes(c.id) && m.includes("model server exploded"))).toHaveLength(3);
    const trail = await t.db.select().from(auditEvents).where(eq(auditEvents.caseId, c.id));
    expect(JSON.stringify(trail)).not.toContain("insert into");
  });

  it("rescans one case five times: each scan completes and joins the detection history", async () => {
    const { case: c } = await submit(await makeJpeg({ width: 256, height: 192, seed: 51 }), "rescanned.jpg");
    await drain();
    for (let n = 2; n <= 6; n++) {
      const queued = await rescanCase({ ctx: { db: t.db, actor: moderator }, input: { caseId: c.id } });
      expect(queued).toMatchObject({ state: "pending_scan", scan: n, attempts: 0 });
      await drain();
      const [row] = await t.db.select().from(cases).where(eq(cases.id, c.id));
      expect({ scan: n, state: row!.state, error: row!.lastError }).toEqual({ scan: n, state: expect.stringMatching(/^(quarantined|cleared)$/), error: null });
      expect(row!.attempts).toBe(1);
    }
    const dets = await t.db.select().from(detections).where(eq(detections.caseId, c.id)).orderBy(asc(detections.scan));
    expect(dets.map((d) => [d.scan, d.attempt])).toEqual([1, 2, 3, 4, 5, 6].map((n) => [n, 1]));
    expect(dets.every((d) => d.policy?.name === "default")).toBe(true);
    const retries = await t.db.select().from(auditEvents).where(eq(auditEvents.caseId, c.id));
    expect(retries.filter((e) => (e.data as { reason?: string }).reason === "scan_failed")).toEqual([]);
  });
});
