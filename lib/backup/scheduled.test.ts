// Scheduled backups (lib/backup/scheduled.ts): a due run writes a whole, checkable backup file into the
// directory and records it; it is not due again until the interval has passed; of several processes
// (connections) claiming at once exactly one makes it; a run left by a dead process becomes
// interrupted; a failure is recorded with its reason, audited, and retried only after the retry delay;
// retention deletes the oldest of the schedule's own files and nothing else.
import { createReadStream, existsSync, statSync } from "node:fs";
import { mkdir, mkdtemp, readdir, rm, utimes, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { createGunzip } from "node:zlib";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDb } from "../../db";
import { auditEvents, scheduledBackups, type ScheduledBackup } from "../../db/schema";
import { submitImage } from "../cases/submit-image";
import { makeJpeg } from "../detection/testing";
import { parseEnv } from "../env";
import { LocalBlobStore } from "../storage/local-blob-store";
import { setBlobStore } from "../storage";
import { createTestDb, insertTestUser, TEST_DB_KINDS, type TestDb } from "../testing/test-db";
import { verifyBackup } from "./read-backup";
import {
  BACKUP_LEASE_MS,
  backupScheduleFromEnv,
  claimBackupRun,
  lastFailedBackupRun,
  lastSlot,
  nextDue,
  pruneBackups,
  recentBackupRuns,
  runScheduledBackup,
  startBackupNow,
  startBackupScheduler,
  type BackupSchedule,
} from "./scheduled";

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), "loupe-scheduled-backup-test-"));
});
afterAll(async () => {
  setBlobStore(undefined);
  await rm(tmp, { recursive: true, force: true });
});

const fresh = (name: string) => path.join(tmp, `${name}-${Math.random().toString(36).slice(2, 8)}`);
const DAY = 24 * 3_600_000;
const quiet = () => {};

describe("backupScheduleFromEnv", () => {
  it("is off without LOUPE_BACKUP_DIR, and reads the interval, retention and blobs", () => {
    expect(backupScheduleFromEnv(parseEnv({}))).toBeNull();
    expect(backupScheduleFromEnv(parseEnv({ LOUPE_BACKUP_DIR: "backups" }))).toEqual({ dir: path.resolve("backups"), intervalMs: DAY, keep: 7, blobs: true, atMinute: null });
    expect(backupScheduleFromEnv(parseEnv({ LOUPE_BACKUP_DIR: "/b", LOUPE_BACKUP_AT: "03:30" }))?.atMinute).toBe(210);
    expect(() => parseEnv({ LOUPE_BACKUP_AT: "3:30" })).toThrow(/LOUPE_BACKUP_AT/);
    expect(() => parseEnv({ LOUPE_BACKUP_AT: "24:00" })).toThrow(/LOUPE_BACKUP_AT/);
    expect(() => parseEnv({ LOUPE_BACKUP_AT: "03:00", LOUPE_BACKUP_INTERVAL_HOURS: "12" })).toThrow(/LOUPE_BACKUP_AT makes backups daily/);
    expect(backupScheduleFromEnv(parseEnv({ LOUPE_BACKUP_DIR: "/b", LOUPE_BACKUP_INTERVAL_HOURS: "6", LOUPE_BACKUP_KEEP: "30", LOUPE_BACKUP_BLOBS: "false" }))).toEqual({
      dir: "/b",
      intervalMs: 6 * 3_600_000,
      keep: 30,
      blobs: false,
      atMinute: null,
    });
    expect(() => parseEnv({ LOUPE_BACKUP_KEEP: "0" })).toThrow(/LOUPE_BACKUP_KEEP/);
    expect(() => parseEnv({ LOUPE_BACKUP_INTERVAL_HOURS: "0.5" })).toThrow(/LOUPE_BACKUP_INTERVAL_HOURS/);
  });
});

describe("lastSlot and nextDue", () => {
  const at = (iso: string) => Date.parse(iso);
  const run = (status: string, startedAt: string, manual = false) => ({ status, manual, startedAt: new Date(startedAt) }) as ScheduledBackup;
  const daily: BackupSchedule = { dir: "/b", intervalMs: DAY, keep: 7, blobs: true, atMinute: 3 * 60 };
  const every6h: BackupSchedule = { ...daily, intervalMs: 6 * 3_600_000, atMinute: null };

  it("finds the latest daily slot at or before now", () => {
    expect(lastSlot(at("2026-12-07T10:00:00Z"), 180)).toBe(at("2026-12-07T03:00:00Z"));
    expect(lastSlot(at("2026-12-07T03:00:00Z"), 180)).toBe(at("2026-12-07T03:00:00Z"));
    expect(lastSlot(at("2026-12-07T02:59:59Z"), 180)).toBe(at("2026-12-06T03:00:00Z"));
    expect(lastSlot(at("2026-01-01T00:10:00Z"), 23 * 60 + 30)).toBe(at("2025-12-31T23:30:00Z"));
  });

  it("says when the next backup is made, as the claim decides it", () => {
    const now = at("2026-12-07T10:00:00Z");
    expect(nextDue(daily, [], now)).toBe(now);
    expect(nextDue(daily, [run("succeeded", "2026-12-07T03:00:20Z")], now)).toBe(at("2026-12-08T03:00:00Z"));
    // Last good before today's slot (the server was down at 03:00): due now.
    expect(nextDue(daily, [run("succeeded", "2026-12-06T03:00:20Z")], now)).toBe(now);
    // A failure waits an hour.
    expect(nextDue(daily, [run("failed", "2026-12-07T09:30:00Z"), run("succeeded", "2026-12-06T03:00:20Z")], now)).toBe(at("2026-12-07T10:30:00Z"));
    expect(nextDue(daily, [run("running", "2026-12-07T09:59:00Z")], now)).toBe("running");
    // A good run before today's slot does not end a failure's wait.
    expect(nextDue(daily, [run("succeeded", "2026-12-07T02:50:00Z", true), run("failed", "2026-12-07T02:20:00Z")], at("2026-12-07T03:05:00Z"))).toBe(at("2026-12-07T03:20:00Z"));
    expect(nextDue(every6h, [run("succeeded", "2026-12-07T08:00:00Z", true)], now)).toBe(at("2026-12-07T14:00:00Z"));
    expect(nextDue(every6h, [run("interrupted", "2026-12-07T01:00:00Z"), run("succeeded", "2026-12-06T20:00:00Z")], now)).toBe(at("2026-12-07T02:00:00Z"));
  });
});

describe("pruneBackups", () => {
  it("deletes the oldest of the schedule's files beyond `keep` and stale partial files, and nothing else", async () => {
    const dir = fresh("prune");
    await mkdir(dir);
    const names = [
      "loupe-backup-2026-12-01T03-00-00Z.tar.gz",
      "loupe-backup-2026-12-02T03-00-00Z.tar.gz",
      "loupe-backup-2026-12-03T03-00-00Z.tar.gz",
      "loupe-backup-2026-12-04T03-00-00Z.tar.gz",
      "loupe-backup-2026-11-30T03-00-00Z.tar.gz.partial", // left by a process that died
      "loupe-backup-2026-12-05T03-00-00Z.tar.gz.partial", // being written now
      "loupe-backup-2026-01-01T00-00-00Z.tar", // a plain tar someone made by hand: not the schedule's
      "notes.txt",
    ];
    for (const n of names) await writeFile(path.join(dir, n), n);
    const old = new Date(Date.now() - BACKUP_LEASE_MS - 60_000);
    await utimes(path.join(dir, names[4]!), old, old);

    const deleted = await pruneBackups(dir, 2);
    expect(deleted.map((p) => path.basename(p)).sort()).toEqual([names[0], names[1], names[4]].sort());
    expect((await readdir(dir)).sort()).toEqual([names[2], names[3], names[5], names[6], names[7]].sort());
  });
});

describe.each(TEST_DB_KINDS)("scheduled backups on %s", (kind) => {
  let db: TestDb;
  let store: LocalBlobStore;
  const schedule = (over: Partial<BackupSchedule> = {}): BackupSchedule => ({ dir: fresh("backups"), intervalMs: DAY, keep: 7, blobs: true, atMinute: null, ...over });
  const deps = (s: BackupSchedule) => ({ handle: db, store, blobStoreKind: "local", schedule: s, log: quiet });

  beforeAll(async () => {
    db = await createTestDb(kind);
    store = new LocalBlobStore(fresh("blobs"));
    setBlobStore(store);
    const editor = await insertTestUser(db.db, "editor");
    await submitImage({ ctx: { db: db.db, actor: editor }, input: { bytes: await makeJpeg({ width: 64, height: 48, seed: 7 }), filename: "a.jpg", source: "upload" } });
  });
  afterAll(async () => {
    await db.cleanup();
  });

  it("writes a whole backup when due, records it, and is not due again within the interval", async () => {
    await db.db.delete(scheduledBackups);
    const s = schedule();
    const first = await runScheduledBackup(deps(s));
    if (!("ran" in first)) throw new Error(`not run: ${JSON.stringify(first)}`);
    const run = first.ran;
    expect(run.status).toBe("succeeded");
    expect(run.file).toMatch(/loupe-backup-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\dZ\.tar\.gz$/);
    expect(path.dirname(run.file!)).toBe(s.dir);
    expect(statSync(run.file!).size).toBe(run.bytes);
    expect(statSync(run.file!).mode & 0o777).toBe(0o600);
    expect(run.blobs).toBeGreaterThan(0);
    const check = await verifyBackup(createReadStream(run.file!).pipe(createGunzip()));
    expect(check.blobs.count).toBe(run.blobs);
    expect(Object.values(check.tables).reduce((a, b) => a + b, 0)).toBe(run.rows);
    // The backup holds its own run, as it was while running (a restore shows it interrupted).
    expect(check.tables.scheduled_backups).toBe(1);
    const [audit] = await db.db.select().from(auditEvents).where(eq(auditEvents.action, "backup.written"));
    expect(audit?.data).toMatchObject({ run: run.id, file: run.file, bytes: run.bytes, manual: false });

    expect(await runScheduledBackup(deps(s))).toEqual({ refused: "not_due" });
    // Once the interval has passed (the run made to look a day and a minute old), it is due again.
    await db.db.update(scheduledBackups).set({ startedAt: sql`now() - interval '1 day 1 minute'` }).where(eq(scheduledBackups.id, run.id));
    const again = await runScheduledBackup(deps(s));
    expect("ran" in again && again.ran.status).toBe("succeeded");
  });

  it("with a daily time, is due once that time has passed since the last good run, and not again until tomorrow's", async () => {
    await db.db.delete(scheduledBackups);
    // Today's slot half an hour ago (to the minute), whatever the time now.
    const slot = new Date(Date.now() - 30 * 60_000);
    const s = schedule({ atMinute: slot.getUTCHours() * 60 + slot.getUTCMinutes() });
    const first = await runScheduledBackup(deps(s));
    if (!("ran" in first)) throw new Error("not run");
    // Made after the slot: this day's backup is done.
    expect(await runScheduledBackup(deps(s))).toEqual({ refused: "not_due" });
    // Had it been made before the slot (yesterday's), today's would be due.
    await db.db.update(scheduledBackups).set({ startedAt: sql`now() - interval '40 minutes'` }).where(eq(scheduledBackups.id, first.ran.id));
    const second = await runScheduledBackup(deps(s));
    expect("ran" in second && second.ran.status).toBe("succeeded");
  });

  it("leaves the images out when the schedule says so", async () => {
    await db.db.delete(scheduledBackups);
    const out = await runScheduledBackup(deps(schedule({ blobs: false })));
    expect("ran" in out && out.ran.blobs).toBe(0);
  });

  it("keeps the newest `keep` files, and a second run within the same second gets the next second's name", async () => {
    await db.db.delete(scheduledBackups);
    const s = schedule({ keep: 2 });
    const files: string[] = [];
    for (let i = 0; i < 3; i++) {
      const out = await runScheduledBackup(deps(s), { manual: true });
      if (!("ran" in out)) throw new Error("not run");
      files.push(out.ran.file!);
    }
    expect(new Set(files).size).toBe(3);
    expect((await readdir(s.dir)).sort()).toEqual(files.slice(1).map((f) => path.basename(f)).sort());
    const [audit] = await db.db.select().from(auditEvents).where(sql`${auditEvents.action} = 'backup.written' and ${auditEvents.data}->>'file' = ${files[2]!}`);
    expect(audit?.data).toMatchObject({ manual: true, pruned: [path.basename(files[0]!)] });
  });

  it("lets exactly one of several processes claim a run", async () => {
    await db.db.delete(scheduledBackups);
    const s = schedule();
    // On PostgreSQL, three connections pools as three processes would hold; PGlite has one process.
    const others = kind === "postgres" ? await Promise.all([openDb({ url: db.url! }), openDb({ url: db.url! })]) : [];
    try {
      const handles = [db, ...others];
      // Connected first, so that the claims overlap rather than wait for connections one after another.
      await Promise.all(handles.flatMap((h) => Array.from({ length: 3 }, () => h.db.execute(sql`select pg_sleep(0.05)`))));
      const claims = await Promise.all(Array.from({ length: 9 }, (_, i) => claimBackupRun(handles[i % handles.length]!.db, s, { host: `host-${i}` })));
      expect(claims.filter((c) => "claimed" in c)).toHaveLength(1);
      expect(claims.filter((c) => "refused" in c && c.refused === "running")).toHaveLength(8);
      // Manual or not, nothing else starts while it runs.
      await expect(startBackupNow(deps(s), { type: "system" })).rejects.toMatchObject({ code: "conflict" });
    } finally {
      await Promise.all(others.map((h) => h.close()));
    }
  });

  it("marks a run whose lease ran out as interrupted, then claims the next", async () => {
    await db.db.delete(scheduledBackups);
    const s = schedule();
    const first = await claimBackupRun(db.db, s);
    if (!("claimed" in first)) throw new Error("not claimed");
    // Its process died: no heartbeat moved the lease on.
    await db.db.update(scheduledBackups).set({ leaseUntil: sql`now() - interval '1 second'`, startedAt: sql`now() - interval '2 hours'` }).where(eq(scheduledBackups.id, first.claimed.id));
    const next = await claimBackupRun(db.db, s);
    expect("claimed" in next).toBe(true);
    const [dead] = await db.db.select().from(scheduledBackups).where(eq(scheduledBackups.id, first.claimed.id));
    expect(dead?.status).toBe("interrupted");
    expect(dead?.error).toMatch(/did not finish/);
    expect(dead?.finishedAt).not.toBeNull();
  });

  it("records a failure with its reason, shows it to admins, retries after the delay, and a success clears it", async () => {
    await db.db.delete(scheduledBackups);
    const blocker = fresh("not-a-dir");
    await writeFile(blocker, "a file where the directory should be");
    const s = schedule({ dir: path.join(blocker, "backups") });
    const out = await runScheduledBackup(deps(s));
    if (!("ran" in out)) throw new Error("not run");
    expect(out.ran.status).toBe("failed");
    expect(out.ran.error).toMatch(/ENOTDIR|not a directory/);
    expect(out.ran.file).toBeNull();
    expect((await lastFailedBackupRun(db.db))?.id).toBe(out.ran.id);
    const [audit] = await db.db.select().from(auditEvents).where(eq(auditEvents.action, "backup.failed"));
    expect(audit?.data).toMatchObject({ run: out.ran.id, error: out.ran.error });

    // Not every minute: the next try waits for the retry delay.
    expect(await runScheduledBackup(deps(s))).toEqual({ refused: "not_due" });
    await db.db.update(scheduledBackups).set({ startedAt: sql`now() - interval '61 minutes'` }).where(eq(scheduledBackups.id, out.ran.id));
    const fixed = schedule();
    const retried = await runScheduledBackup(deps(fixed));
    expect("ran" in retried && retried.ran.status).toBe("succeeded");
    expect(await lastFailedBackupRun(db.db)).toBeNull();
    expect((await recentBackupRuns(db.db)).map((r) => r.status)).toEqual(["succeeded", "failed"]);
  });

  it("the scheduler makes the due backup at its first look, and none at the next", async () => {
    await db.db.delete(scheduledBackups);
    const s = schedule();
    const scheduler = startBackupScheduler(deps(s), 3_600_000);
    try {
      const first = await scheduler.tick(); // joins the look made at start
      expect(first && "ran" in first && first.ran.status).toBe("succeeded");
      expect(await scheduler.tick()).toEqual({ refused: "not_due" });
      expect(existsSync(s.dir) && (await readdir(s.dir))).toHaveLength(1);
    } finally {
      scheduler.stop();
    }
  });
});
