// Backup and restore (lib/backup/): an installation made through the real verbs (uploads, scans with
// heatmaps, a decision, a job, a webhook endpoint and its deliveries) is backed up and restored into a
// new database and blob store, of either kind, and comes back row for row and byte for byte; the restored
// installation goes on working. A damaged or cut archive restores nothing; a backup from an older schema
// is migrated after its rows are in (data backfills included); one from a later Loupe is refused.
import { createHash } from "node:crypto";
import { mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { PassThrough, Readable } from "node:stream";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDb, type DbHandle } from "../../db";
import type { Actor } from "../context";
import { decideCase } from "../cases/decide-case";
import { submitImage } from "../cases/submit-image";
import { findListMatches } from "../lists/find-matches";
import { addCaseToList, createList } from "../lists/manage-lists";
import { makeJpeg } from "../detection/testing";
import { createJob } from "../jobs/create-job";
import { LocalBlobStore } from "../storage/local-blob-store";
import { createBlobStore, setBlobStore, type BlobStore } from "../storage";
import { parseEnv } from "../env";
import { startTestS3Server } from "../testing/s3-server";
import { createScratchDatabase, createTestDb, insertTestUser, serverUrl, TEST_DB_KINDS, type TestDb } from "../testing/test-db";
import { insertTestApiKey, primeReport, reuseReport } from "../testing/webhook-fixtures";
import { createWebhookEndpoint } from "../webhooks/create-webhook-endpoint";
import { startWorker } from "../worker/worker";
import { END_NAME, FORMAT, FORMAT_VERSION, journal, loupeTables, MANIFEST_NAME, migrationsUpTo, rowsOf, type Manifest } from "./format";
import { restoreBackup, type RestoreTarget } from "./restore-backup";
import { readTar, TarWriter } from "./tar";
import { writeBackup } from "./write-backup";

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), "loupe-backup-test-"));
});
afterAll(async () => {
  setBlobStore(undefined);
  await rm(tmp, { recursive: true, force: true });
});

const dir = (name: string) => path.join(tmp, `${name}-${Math.random().toString(36).slice(2, 8)}`);

/** The backup of `handle` and `store` as bytes. */
async function backupBytes(handle: DbHandle, store: BlobStore | null): Promise<Buffer> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on("data", (c: Buffer) => chunks.push(c));
  await writeBackup({ handle, store, blobStoreKind: "local", out });
  out.end();
  return Buffer.concat(chunks);
}

/** Every Loupe table as its rows' JSON, in primary-key order: what must come back exactly. */
async function contents(handle: DbHandle): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const t of loupeTables()) out[t] = rowsOf<{ j: string }>(await handle.db.execute(sql.raw(`select row_to_json(r)::text as j from (select * from "${t}" order by 1) r`))).map((r) => r.j);
  return out;
}

async function blobContents(store: BlobStore): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for await (const key of store.list()) out[key] = createHash("sha256").update((await store.get(key))!).digest("hex");
  return out;
}

describe.each(TEST_DB_KINDS)("backup of an installation on %s", (kind) => {
  let source: TestDb;
  let sourceStore: LocalBlobStore;
  let archive: Buffer;
  let expected: Record<string, string[]>;
  let expectedBlobs: Record<string, string>;
  let listed: { sha256: string; phash: string; phashInformative: boolean };

  beforeAll(async () => {
    source = await createTestDb(kind);
    sourceStore = new LocalBlobStore(dir("source-blobs"));
    setBlobStore(sourceStore);
    const admin = await insertTestUser(source.db, "admin");
    const moderator = await insertTestUser(source.db, "moderator");
    const editor = await insertTestUser(source.db, "editor");
    const key = await insertTestApiKey(source.db, editor);
    await createWebhookEndpoint({ ctx: { db: source.db, actor: admin }, input: { apiKeyId: key.id, url: "https://93.184.215.14/hook" } });
    await primeReport(await makeJpeg({ width: 96, height: 96, seed: 7 }));
    const submitted = [];
    for (let i = 0; i < 4; i++) {
      const bytes = await makeJpeg({ width: 80 + i, height: 64, seed: 100 + i });
      submitted.push(await submitImage({ ctx: { db: source.db, actor: i % 2 ? key : editor }, input: { bytes, filename: `f${i}.jpg`, source: i % 2 ? "api" : "upload", externalRef: `ref-${i}` } }));
    }
    await createJob({ ctx: { db: source.db, actor: key }, input: { bytes: await makeJpeg({ width: 70, height: 70, seed: 9 }), filename: "job.jpg" } });
    // An image list holding the first case's image, so that its scan records a match.
    const list = await createList({ ctx: { db: source.db, actor: admin }, input: { name: "Known AI", action: "quarantine" } });
    await addCaseToList({ ctx: { db: source.db, actor: moderator }, input: { caseId: submitted[0]!.case.id, listId: list.id } });
    listed = submitted[0]!.image;
    const worker = startWorker({ db: source.db, concurrency: 1, leaseSeconds: 60, maxAttempts: 3, pollMs: 50, detect: reuseReport, log: () => {} });
    await worker.drain();
    await worker.stop();
    const decided = await source.db.execute(sql`select id from cases where state in ('quarantined', 'cleared', 'manual_review') order by id limit 1`);
    await decideCase({ ctx: { db: source.db, actor: moderator }, input: { caseId: rowsOf<{ id: string }>(decided)[0]!.id, outcome: "confirmed_ai", note: "restored?" } });

    archive = await backupBytes(source, sourceStore);
    expected = await contents(source);
    expectedBlobs = await blobContents(sourceStore);
  }, 120_000);
  afterAll(async () => {
    await source?.cleanup();
  });

  it("holds every table and blob, and lists the members tar reads", async () => {
    expect(expected.cases!.length).toBe(5);
    expect(expected.detections!.length).toBe(5);
    expect(expected.decisions!.length).toBe(1);
    expect(expected.image_lists!.length).toBe(1);
    expect(expected.image_list_entries!.length).toBe(1);
    expect(expected.detections!.filter((d) => d.includes('"list_matches":[{')).length).toBe(1);
    expect(expected.case_events!.length).toBeGreaterThan(5);
    expect(expected.webhook_deliveries!.length).toBeGreaterThan(0);
    expect(Object.keys(expectedBlobs).filter((k) => k.startsWith("heatmaps/")).length).toBeGreaterThan(0);
    expect(Object.keys(expectedBlobs).filter((k) => k.startsWith("images/")).length).toBe(5);

    const names: string[] = [];
    for await (const m of readTar(Readable.from([archive]))) names.push(m.name);
    expect(names[0]).toBe(MANIFEST_NAME);
    expect(names.at(-1)).toBe(END_NAME);
    expect(names).toContain("db/cases/000001.jsonl");
    for (const key of Object.keys(expectedBlobs)) expect(names).toContain(`blobs/${key}`);
  });

  const targets: { name: string; make(): Promise<{ target: RestoreTarget; open(): Promise<DbHandle>; drop(): Promise<void> }> }[] = [
    {
      name: "a new PGlite directory",
      async make() {
        const pgliteDir = dir("pglite");
        return { target: { pgliteDir }, open: () => openDb({ pgliteDir }), drop: () => rm(pgliteDir, { recursive: true, force: true }) };
      },
    },
  ];
  const pgUrl = serverUrl;
  if (pgUrl) {
    targets.push({
      name: "an empty PostgreSQL database",
      async make() {
        const scratch = await createScratchDatabase(pgUrl, "loupe_test");
        return { target: { url: scratch.url }, open: () => openDb({ url: scratch.url }), drop: scratch.drop };
      },
    });
  }

  describe.each(targets)("restored into $name", ({ make }) => {
    it("comes back row for row and byte for byte, and goes on working", { timeout: 120_000 }, async () => {
      const t = await make();
      const store = new LocalBlobStore(dir("restored-blobs"));
      try {
        const summary = await restoreBackup({ target: t.target, store, input: Readable.from([archive]) });
        expect(summary.blobs).toEqual({ written: Object.keys(expectedBlobs).length, present: 0, skipped: 0 });
        expect(summary.upgradedBy).toEqual([]);
        const restored = await t.open();
        try {
          expect(await contents(restored)).toEqual(expected);
          expect(await blobContents(store)).toEqual(expectedBlobs);
          // Sequences moved past the restored ids, foreign keys back: a new upload lands and is scanned.
          setBlobStore(store);
          const [editor] = rowsOf<{ id: string; email: string }>(await restored.db.execute(sql`select id, email from users where role = 'editor'`));
          const actor: Actor = { type: "user", id: editor!.id, role: "editor", email: editor!.email };
          const fresh = await submitImage({ ctx: { db: restored.db, actor }, input: { bytes: await makeJpeg({ width: 77, height: 77, seed: 77 }), filename: "new.jpg", source: "upload" } });
          const worker = startWorker({ db: restored.db, concurrency: 1, leaseSeconds: 60, maxAttempts: 3, pollMs: 50, detect: reuseReport, log: () => {} });
          await worker.drain();
          await worker.stop();
          const [row] = rowsOf<{ state: string }>(await restored.db.execute(sql`select state from cases where id = ${fresh.case.id}`));
          expect(["quarantined", "cleared", "manual_review"]).toContain(row!.state);
          // The list's entry is found again by its hash bands, which the restore's inserts computed afresh.
          const nearCopy = { ...listed, sha256: "0".repeat(64), phash: (BigInt(`0x${listed.phash}`) ^ 1n).toString(16).padStart(16, "0") };
          expect((await findListMatches(restored.db, nearCopy)).map((m) => [m.listName, m.match, m.distance])).toEqual([["Known AI", "near_duplicate", 1]]);
          const fks = rowsOf<{ n: number }>(await restored.db.execute(sql`select count(*)::int as n from pg_constraint where contype = 'f' and connamespace = 'public'::regnamespace`));
          expect(fks[0]!.n).toBe(rowsOf<{ n: number }>(await source.db.execute(sql`select count(*)::int as n from pg_constraint where contype = 'f' and connamespace = 'public'::regnamespace`))[0]!.n);
        } finally {
          setBlobStore(sourceStore);
          await restored.close();
        }

        // Again over it: refused without --replace; with it, replaced (PGlite keeps the old database aside).
        await expect(restoreBackup({ target: t.target, store, input: Readable.from([archive]) })).rejects.toMatchObject({ code: "target_not_empty" });
        const again = await restoreBackup({ target: t.target, store, input: Readable.from([archive]), replace: true });
        expect(again.blobs).toEqual({ written: 0, present: Object.keys(expectedBlobs).length, skipped: 0 });
        const pgliteDir = t.target.pgliteDir;
        if (pgliteDir) expect((await readdir(path.dirname(pgliteDir))).some((n) => n.startsWith(`${path.basename(pgliteDir)}.replaced-`))).toBe(true);
        const replaced = await t.open();
        try {
          expect(await contents(replaced)).toEqual(expected);
        } finally {
          await replaced.close();
        }
      } finally {
        await t.drop();
      }
    });
  });

  it("restores the blobs into an S3 bucket (local files to a bucket)", { timeout: 60_000 }, async () => {
    const s3 = await startTestS3Server();
    try {
      const bucket = createBlobStore(parseEnv(s3.env));
      const summary = await restoreBackup({ target: { pgliteDir: dir("pglite") }, store: bucket, input: Readable.from([archive]) });
      expect(summary.blobs.written).toBe(Object.keys(expectedBlobs).length);
      expect(await blobContents(bucket)).toEqual(expectedBlobs);
    } finally {
      await s3.close();
    }
  });

  if (serverUrl) {
    it("on PostgreSQL, --replace is refused while another session uses the database", { timeout: 60_000 }, async () => {
      const scratch = await createScratchDatabase(serverUrl!, "loupe_test");
      const store = new LocalBlobStore(dir("blobs"));
      try {
        await restoreBackup({ target: { url: scratch.url }, store, input: Readable.from([archive]) });
        const server = await openDb({ url: scratch.url }); // a Loupe still running on it, connected
        try {
          await server.db.execute(sql`select 1`);
          await expect(restoreBackup({ target: { url: scratch.url }, store, input: Readable.from([archive]), replace: true })).rejects.toMatchObject({
            code: "target_not_empty",
            message: expect.stringMatching(/other session/),
          });
        } finally {
          await server.close();
        }
      } finally {
        await scratch.drop();
      }
    });
  }

  it("taken while uploads and scans go on, it is one consistent snapshot that restores", { timeout: 120_000 }, async () => {
    const [editor] = rowsOf<{ id: string; email: string }>(await source.db.execute(sql`select id, email from users where role = 'editor'`));
    const actor: Actor = { type: "user", id: editor!.id, role: "editor", email: editor!.email };
    const worker = startWorker({ db: source.db, concurrency: 2, leaseSeconds: 60, maxAttempts: 3, pollMs: 20, detect: reuseReport, log: () => {} });
    let uploading = true;
    const uploads = (async () => {
      for (let i = 0; uploading; i++) {
        await submitImage({ ctx: { db: source.db, actor }, input: { bytes: await makeJpeg({ width: 64, height: 64 + (i % 50), seed: 5000 + i }), filename: `busy${i}.jpg`, source: "upload" } });
      }
    })();
    await new Promise((r) => setTimeout(r, 300));
    const busy = await backupBytes(source, sourceStore);
    uploading = false;
    await uploads;
    await worker.drain();
    await worker.stop();
    // Every row it holds refers only to rows it holds: the foreign keys go back on without complaint.
    const pgliteDir = dir("pglite");
    const summary = await restoreBackup({ target: { pgliteDir }, store: new LocalBlobStore(dir("blobs")), input: Readable.from([busy]) });
    expect(summary.tables.cases).toBeGreaterThan(expected.cases!.length);
    expect(summary.tables.cases).toBeLessThanOrEqual((await contents(source)).cases!.length);
  });

  it("a damaged or cut archive restores nothing: no database, no blobs", { timeout: 60_000 }, async () => {
    const flip = (needle: string, offset: number) => {
      const copy = Buffer.from(archive);
      const at = copy.indexOf(Buffer.from(needle)) + offset;
      copy[at] = copy[at]! ^ 1;
      return copy;
    };
    const bad = [
      flip("restored?", 3), // a note's letter: loads, but the end record's sha256 differs
      flip('"state":"', 9), // a state's letter: the row no longer loads
      archive.subarray(0, Math.floor(archive.length * 0.8)), // cut short
    ];
    for (const bytes of bad) {
      const pgliteDir = dir("pglite");
      const blobDir = dir("blobs");
      await expect(restoreBackup({ target: { pgliteDir }, store: new LocalBlobStore(blobDir), input: Readable.from([bytes]) })).rejects.toMatchObject({
        name: "BackupError",
        code: "archive_damaged",
      });
      expect(await readdir(tmp)).not.toContain(path.basename(pgliteDir));
      expect((await readdir(tmp)).filter((n) => n.includes(".restoring-"))).toEqual([]);
      expect(await blobContents(new LocalBlobStore(blobDir))).toEqual({});
    }
  });
});

describe("backups across versions", () => {
  it("an older backup is restored at its own level, then migrated with its data backfills", { timeout: 120_000 }, async () => {
    // 0014 adds cases.image_size_bytes and duplicate_group, 0015 fills them from the images: a backup
    // made before 0014 must come back with them filled.
    const level = journal().findIndex((e) => e.tag.startsWith("0014_"));
    const old = await migrationsUpTo(level);
    const oldDb = await openDb({ pgliteDir: "memory://", migrationsFolder: old.folder });
    await old.cleanup();
    try {
      await oldDb.db.execute(sql`insert into users (id, email, password_hash, role) values ('usr_old', 'old@example.test', 'x', 'editor')`);
      await oldDb.db.execute(sql`insert into images (id, sha256, mime, format, size_bytes, width, height, storage_key, phash)
        values ('img_old', ${"ab".repeat(32)}, 'image/jpeg', 'jpeg', 4242, 10, 10, 'images/ab/ab/x', '0123456789abcdef')`);
      await oldDb.db.execute(sql`insert into policies (id, name, quarantine_threshold, is_default) values ('pol_old', 'default', 50, true)`);
      await oldDb.db.execute(sql`insert into cases (id, image_id, source, submitter_id, filename, state, policy_id) values ('case_old', 'img_old', 'upload', 'usr_old', 'o.jpg', 'pending_scan', 'pol_old')`);
      const archive = await backupBytes(oldDb, null);
      const pgliteDir = dir("pglite");
      const summary = await restoreBackup({ target: { pgliteDir }, store: null, input: Readable.from([archive]) });
      expect(summary.manifest.migrations).toHaveLength(level);
      expect(summary.upgradedBy[0]).toMatch(/^0014_/);
      expect(summary.upgradedBy.at(-1)).toBe(journal().at(-1)!.tag);
      const restored = await openDb({ pgliteDir });
      try {
        const [c] = rowsOf<{ image_size_bytes: number; duplicate_group: string }>(await restored.db.execute(sql`select image_size_bytes, duplicate_group from cases where id = 'case_old'`));
        expect(c).toEqual({ image_size_bytes: 4242, duplicate_group: "img_old" });
      } finally {
        await restored.close();
      }
    } finally {
      await oldDb.close();
    }
  });

  it("refuses a backup made by a later Loupe, and a file that is no backup", async () => {
    const manifest: Manifest = {
      format: FORMAT,
      format_version: FORMAT_VERSION,
      created_at: new Date().toISOString(),
      loupe_version: "9.9.9",
      source: { database: "pglite", blob_store: "local", blobs_included: false },
      migrations: [...journal().map((e) => e.tag), "0099_from_the_future"],
      tables: [],
    };
    const archiveOf = async (m: Manifest) => {
      const out = new PassThrough();
      const chunks: Buffer[] = [];
      out.on("data", (c: Buffer) => chunks.push(c));
      const tar = new TarWriter(out);
      await tar.addBuffer(MANIFEST_NAME, Buffer.from(JSON.stringify(m)));
      await tar.finish();
      out.end();
      return Readable.from([Buffer.concat(chunks)]);
    };
    const pgliteDir = dir("pglite");
    await expect(restoreBackup({ target: { pgliteDir }, store: null, input: await archiveOf(manifest) })).rejects.toMatchObject({ code: "database_newer", message: expect.stringMatching(/0099_from_the_future/) });
    await expect(restoreBackup({ target: { pgliteDir }, store: null, input: Readable.from([Buffer.from("just some text\n")]) })).rejects.toMatchObject({ code: "not_a_backup" });
    // A file naming a table that is not Loupe's (here a system catalog) is refused before anything is written.
    const stranger = { ...manifest, migrations: journal().map((e) => e.tag), tables: [{ name: "pg_authid", columns: ["rolname"] }] };
    await expect(restoreBackup({ target: { pgliteDir }, store: null, input: await archiveOf(stranger) })).rejects.toMatchObject({ code: "not_a_backup", message: expect.stringMatching(/pg_authid/) });
    // A directory with other files in it is not taken over.
    const occupied = dir("occupied");
    await mkdir(occupied);
    await writeFile(path.join(occupied, "notes.txt"), "mine");
    await expect(restoreBackup({ target: { pgliteDir: occupied }, store: null, input: await archiveOf({ ...manifest, migrations: journal().map((e) => e.tag) }) })).rejects.toMatchObject({ code: "target_not_empty" });
    expect(await readdir(occupied)).toEqual(["notes.txt"]);
  });
});
