// GET /api/admin/backup (lib/backup/backup-request.ts), called directly: who may download (an admin's
// session or LOUPE_BACKUP_SECRET), what comes down (a gzipped backup that restores, its download
// audited), one at a time, and a download that is not being read neither holds the database nor keeps
// the next one out once it is cancelled.
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { gunzipSync } from "node:zlib";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDb } from "../../db";
import type { Actor } from "../context";
import { submitImage } from "../cases/submit-image";
import { makeJpeg } from "../detection/testing";
import { LocalBlobStore } from "../storage/local-blob-store";
import { setBlobStore } from "../storage";
import { createTestDb, insertTestUser, type TestDb } from "../testing/test-db";
import { backupResponse, backupStatusResponse, STATUS_GRACE_MS, type BackupRequestDeps } from "./backup-request";
import { runScheduledBackup, type BackupSchedule } from "./scheduled";
import { rowsOf } from "./format";
import { restoreBackup } from "./restore-backup";
import { readTar } from "./tar";

const SECRET = "b".repeat(40);
type UserActor = Extract<Actor, { type: "user" }>;

let t: TestDb;
let store: LocalBlobStore;
let tmp: string;
let admin: UserActor;
let editor: UserActor;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), "loupe-backup-route-"));
  t = await createTestDb("pglite");
  store = new LocalBlobStore(path.join(tmp, "blobs"));
  setBlobStore(store);
  admin = await insertTestUser(t.db, "admin");
  editor = await insertTestUser(t.db, "editor");
  await submitImage({ ctx: { db: t.db, actor: editor }, input: { bytes: await makeJpeg({ width: 90, height: 60, seed: 3 }), filename: "a.jpg", source: "upload" } });
});
afterAll(async () => {
  setBlobStore(undefined);
  await t?.cleanup();
  await rm(tmp, { recursive: true, force: true });
});

const deps = (over: Partial<BackupRequestDeps> = {}): BackupRequestDeps => ({
  secret: SECRET,
  user: async () => admin,
  handle: async () => t,
  store: () => store,
  blobStoreKind: "local",
  log: () => {},
  ...over,
});
const get = (query = "", headers: Record<string, string> = {}) => new Request(`http://loupe.test/api/admin/backup${query}`, { headers });
const bytesOf = async (res: Response) => Buffer.from(await res.arrayBuffer());
const memberNames = async (gz: Buffer) => {
  const names: string[] = [];
  for await (const m of readTar(Readable.from([gunzipSync(gz)]))) names.push(m.name);
  return names;
};

describe("GET /api/admin/backup", () => {
  it("answers only an admin's session or the secret", async () => {
    const refused: [Request, Partial<BackupRequestDeps>, number, string][] = [
      [get(), { user: async () => null }, 401, "unauthenticated"],
      [get(), { user: async () => editor }, 403, "forbidden"],
      [get("", { authorization: "Bearer wrong-secret" }), {}, 401, "unauthenticated"],
      [get("", { authorization: `Bearer ${SECRET}` }), { secret: undefined }, 401, "unauthenticated"],
      [get("?blobs=2"), {}, 400, "invalid_request"],
    ];
    for (const [req, over, status, code] of refused) {
      const res = await backupResponse(req, deps(over));
      expect(res.status).toBe(status);
      expect((await res.json()).error.code).toBe(code);
    }
  });

  it("downloads a gzipped backup that restores, and audits who took it", { timeout: 60_000 }, async () => {
    const res = await backupResponse(get(), deps());
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/gzip");
    expect(res.headers.get("content-disposition")).toMatch(/^attachment; filename="loupe-backup-\d{4}-\d{2}-\d{2}T[\d-]+Z\.tar\.gz"$/);
    const gz = await bytesOf(res);
    expect((await memberNames(gz)).some((n) => n.startsWith("blobs/images/"))).toBe(true);

    const pgliteDir = path.join(tmp, "restored");
    await restoreBackup({ target: { pgliteDir }, store: new LocalBlobStore(path.join(tmp, "restored-blobs")), input: Readable.from([gunzipSync(gz)]) });
    const restored = await openDb({ pgliteDir });
    try {
      const audit = rowsOf<{ actor_id: string; data: { blobs: boolean; via: string } }>(await restored.db.execute(sql`select actor_id, data from audit_events where action = 'backup.downloaded'`));
      expect(audit).toEqual([{ actor_id: admin.id, data: { blobs: true, via: "session" } }]);
      expect(rowsOf<{ n: number }>(await restored.db.execute(sql`select count(*)::int as n from cases`))[0]!.n).toBe(1);
    } finally {
      await restored.close();
    }

    const scripted = await backupResponse(get("?blobs=0", { authorization: `Bearer ${SECRET}` }), deps({ user: async () => null }));
    expect(scripted.status).toBe(200);
    expect((await memberNames(await bytesOf(scripted))).some((n) => n.startsWith("blobs/"))).toBe(false);
  });

  it("one at a time; a download nobody reads leaves the database free, and its cancel lets the next one in", { timeout: 60_000 }, async () => {
    // More than the stream buffers hold (random bytes do not compress), so the download must wait on its reader.
    await store.put("test/large", randomBytes(8 * 1024 * 1024));
    const first = await backupResponse(get(), deps());
    expect(first.status).toBe(200);
    const reader = first.body!.getReader();
    await reader.read(); // started, then left unread: it waits on its reader, not inside the database
    await new Promise((r) => setTimeout(r, 300));
    const busy = await backupResponse(get(), deps());
    expect(busy.status).toBe(409);
    expect((await busy.json()).error.code).toBe("conflict");
    const answered = await Promise.race([t.db.execute(sql`select count(*) from cases`).then(() => "answered"), new Promise((r) => setTimeout(() => r("blocked"), 2000))]);
    expect(answered).toBe("answered");

    await reader.cancel();
    let next: Response | undefined;
    for (let i = 0; i < 50 && next?.status !== 200; i++) {
      await new Promise((r) => setTimeout(r, 100));
      next = await backupResponse(get("?blobs=0"), deps());
      if (next.status !== 200) await next.body?.cancel();
    }
    expect(next?.status).toBe(200);
    await bytesOf(next!);
    await store.delete("test/large");
  });
});

describe("GET /api/admin/backup/status", () => {
  const statusOf = async (res: Response) => ({ status: res.status, body: (await res.json()) as Record<string, any> });
  const schedule = (): BackupSchedule => ({ dir: path.join(tmp, `scheduled-${randomBytes(3).toString("hex")}`), intervalMs: 24 * 3_600_000, keep: 7, blobs: false, atMinute: null });
  const statusDeps = (over: Partial<Parameters<typeof backupStatusResponse>[1]> = {}) => ({ secret: SECRET, user: async () => admin, handle: async () => t, schedule: schedule(), ...over });

  it("is for admins and the secret only", async () => {
    expect((await statusOf(await backupStatusResponse(get("", { authorization: "Bearer nope" }), statusDeps()))).status).toBe(401);
    expect((await statusOf(await backupStatusResponse(get(), statusDeps({ user: async () => editor })))).body.error.code).toBe("forbidden");
    expect((await backupStatusResponse(get("", { authorization: `Bearer ${SECRET}` }), statusDeps({ user: async () => null }))).status).toBe(200);
  });

  it("says healthy while the last good backup is within the interval and grace, with the runs", async () => {
    const s = schedule();
    const off = await statusOf(await backupStatusResponse(get(), statusDeps({ schedule: null })));
    expect(off.body).toMatchObject({ healthy: false, schedule: null });

    const out = await runScheduledBackup({ handle: t, store: null, blobStoreKind: "local", schedule: s, log: () => {} }, { manual: true });
    if (!("ran" in out)) throw new Error("not run");
    const started = out.ran.startedAt.getTime();
    const on = await statusOf(await backupStatusResponse(get(), statusDeps({ schedule: s })));
    expect(on.body).toMatchObject({
      healthy: true,
      schedule: { dir: s.dir, interval_hours: 24, at: null, keep: 7, blobs: false },
      last_success: { id: out.ran.id, status: "succeeded", file: out.ran.file, bytes: out.ran.bytes },
    });
    expect(on.body.runs[0]).toMatchObject({ id: out.ran.id, manual: true, error: null });
    const late = await statusOf(await backupStatusResponse(get(), statusDeps({ schedule: s, now: () => started + s.intervalMs + STATUS_GRACE_MS + 1000 })));
    expect(late.body.healthy).toBe(false);
  });
});
