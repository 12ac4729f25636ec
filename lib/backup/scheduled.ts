// Scheduled backups: with LOUPE_BACKUP_DIR set, every long-running process of the installation (web
// servers, `npm run worker`) looks once a minute whether a backup is due, and one of them makes it:
// a `loupe-backup-<time>.tar.gz` in that directory (lib/backup/backup-file.ts), after which the oldest
// beyond LOUPE_BACKUP_KEEP are deleted. Who makes it is settled in the database (the runs table,
// db/schema/scheduled-backups.ts, under an advisory lock), as leases are, so N processes on one
// PostgreSQL make one backup per interval, not N. A failure is recorded with its reason, shown to
// admins (the Backup page, a badge in the menu) and audited; the next try comes an hour later (or
// after the interval, when shorter).
import { existsSync } from "node:fs";
import { mkdir, readdir, rm, stat } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { desc, eq, sql } from "drizzle-orm";
import type { DbHandle, DbOrTx } from "../../db";
import { scheduledBackups, type ScheduledBackup } from "../../db/schema";
import { writeAudit } from "../audit";
import type { Actor } from "../context";
import type { Env } from "../env";
import { newId } from "../ids";
import { AppError } from "../errors";
import { describeError } from "../log";
import type { BlobStore } from "../storage";
import { PARTIAL_SUFFIX, writeBackupFile } from "./backup-file";
import { fileStamp, rowsOf } from "./format";

export interface BackupSchedule {
  /** Absolute directory the backups are written to. */
  dir: string;
  intervalMs: number;
  /** How many backups to keep in `dir`. */
  keep: number;
  /** Copy the blob store too. */
  blobs: boolean;
  /** A daily backup at this minute of the day, UTC (LOUPE_BACKUP_AT); null: every `intervalMs` from the last good one. */
  atMinute: number | null;
}

export function backupScheduleFromEnv(
  e: Pick<Env, "LOUPE_BACKUP_DIR" | "LOUPE_BACKUP_INTERVAL_HOURS" | "LOUPE_BACKUP_KEEP" | "LOUPE_BACKUP_BLOBS" | "LOUPE_BACKUP_AT">,
): BackupSchedule | null {
  if (!e.LOUPE_BACKUP_DIR) return null;
  const at = e.LOUPE_BACKUP_AT?.split(":").map(Number);
  return {
    dir: path.resolve(e.LOUPE_BACKUP_DIR),
    intervalMs: e.LOUPE_BACKUP_INTERVAL_HOURS * 3_600_000,
    keep: e.LOUPE_BACKUP_KEEP,
    blobs: e.LOUPE_BACKUP_BLOBS,
    atMinute: at ? at[0]! * 60 + at[1]! : null,
  };
}

const DAY_MS = 86_400_000;

/** The latest daily slot (`atMinute` past midnight UTC) at or before `now`. */
export function lastSlot(now: number, atMinute: number): number {
  const midnight = now - (now % DAY_MS);
  const slot = midnight + atMinute * 60_000;
  return slot <= now ? slot : slot - DAY_MS;
}

const retryDelay = (schedule: BackupSchedule) => Math.min(RETRY_AFTER_FAILURE_MS, schedule.intervalMs);

/**
 * When the schedule makes its next backup, from its runs (newest first), as the claim decides it:
 * "running" while one is being made. A time at or before `now` means at the next look.
 */
export function nextDue(schedule: BackupSchedule, runs: ScheduledBackup[], now = Date.now()): number | "running" {
  if (runs[0]?.status === "running") return "running";
  // A good run counts whoever asked for it ("Back up now" included).
  const good = runs.find((r) => r.status === "succeeded")?.startedAt.getTime();
  let due: number;
  if (schedule.atMinute === null) due = good === undefined ? now : good + schedule.intervalMs;
  else {
    const slot = lastSlot(now, schedule.atMinute);
    due = good !== undefined && good >= slot ? slot + DAY_MS : now;
  }
  // A failed or interrupted run holds the next try back for the retry delay, whatever came after it.
  const bad = runs.find((r) => r.status === "failed" || r.status === "interrupted");
  return bad ? Math.max(due, bad.startedAt.getTime() + retryDelay(schedule)) : due;
}

const SCHEDULE_LOCK_KEY = 4_242_005;
/** A running backup's claim lasts this long past its last heartbeat. */
export const BACKUP_LEASE_MS = 120_000;
const HEARTBEAT_MS = 30_000;
/** After a failed or interrupted run, the next try waits this long (or the interval, when shorter). */
export const RETRY_AFTER_FAILURE_MS = 3_600_000;
/** How often each process looks whether a backup is due. */
export const SCHEDULE_TICK_MS = 60_000;

/** The names scheduled backups get, and the only files retention ever deletes. */
const BACKUP_NAME = /^loupe-backup-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\dZ\.tar\.gz$/;

export type ClaimOutcome = { claimed: ScheduledBackup } | { refused: "running"; run: ScheduledBackup } | { refused: "not_due" };

/**
 * Claims the next run for this process: refused while another is under way, and (unless `manual`,
 * the Backup page's "Back up now") while a good run falls in this period (within the interval, or
 * since the last daily slot) or a failed one within the retry delay. A run whose lease ran out (its process died, or the
 * database was restored from a backup taken while it ran) is marked interrupted first.
 */
export async function claimBackupRun(db: DbOrTx, schedule: BackupSchedule, opts: { manual?: boolean; host?: string; pid?: number } = {}): Promise<ClaimOutcome> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${SCHEDULE_LOCK_KEY})`);
    await tx
      .update(scheduledBackups)
      .set({ status: "interrupted", finishedAt: sql`now()`, error: "It did not finish: the process making it stopped (or this database was restored from a backup taken while it ran)." })
      .where(sql`${scheduledBackups.status} = 'running' and ${scheduledBackups.leaseUntil} < now()`);
    const [running] = await tx.select().from(scheduledBackups).where(eq(scheduledBackups.status, "running")).limit(1);
    if (running) return { refused: "running" as const, run: running };
    if (!opts.manual) {
      // This period's good run: within the interval, or since the last daily slot (LOUPE_BACKUP_AT).
      const period =
        schedule.atMinute === null
          ? sql`now() - ${schedule.intervalMs} * interval '1 millisecond'`
          : sql`${new Date(lastSlot(Date.now(), schedule.atMinute)).toISOString()}::timestamptz`;
      const recent = rowsOf<{ n: number }>(
        await tx.execute(sql`select count(*)::int as n from ${scheduledBackups}
          where (status = 'succeeded' and started_at >= ${period})
             or (status in ('failed', 'interrupted') and started_at > now() - ${retryDelay(schedule)} * interval '1 millisecond')`),
      );
      if (recent[0]!.n > 0) return { refused: "not_due" as const };
    }
    const [claimed] = await tx
      .insert(scheduledBackups)
      .values({
        id: newId("backup"),
        status: "running",
        manual: opts.manual ?? false,
        leaseUntil: sql`now() + ${BACKUP_LEASE_MS} * interval '1 millisecond'`,
        host: opts.host ?? os.hostname(),
        pid: opts.pid ?? process.pid,
      })
      .returning();
    return { claimed: claimed! };
  });
}

export interface RunBackupDeps {
  handle: DbHandle;
  /** The blob store to copy (null: the database only, whatever the schedule says). */
  store: BlobStore | null;
  blobStoreKind: string;
  schedule: BackupSchedule;
  log?: (line: string) => void;
}

export type RunOutcome = { ran: ScheduledBackup } | Exclude<ClaimOutcome, { claimed: ScheduledBackup }>;

/**
 * One run if one is due (or `manual`): claim, write, prune, record. Never throws for a failed backup:
 * the failure is the run's outcome (status failed, with the reason), audited as `backup.failed`.
 */
export async function runScheduledBackup(deps: RunBackupDeps, opts: { manual?: boolean; actor?: Actor } = {}): Promise<RunOutcome> {
  const claim = await claimBackupRun(deps.handle.db, deps.schedule, { manual: opts.manual });
  if (!("claimed" in claim)) return claim;
  return { ran: await executeRun(deps, claim.claimed, opts.actor ?? { type: "system" }) };
}

/**
 * "Back up now" (the Backup page): claims a run at once, whatever the schedule, and writes it in the
 * background; resolves with the claimed run. Refused (409 conflict) while one is under way.
 */
export async function startBackupNow(deps: RunBackupDeps, actor: Actor): Promise<ScheduledBackup> {
  const claim = await claimBackupRun(deps.handle.db, deps.schedule, { manual: true });
  if ("refused" in claim) {
    const since = claim.refused === "running" ? ` (started ${claim.run.startedAt.toISOString().slice(0, 19).replace("T", " ")} UTC on ${claim.run.host})` : "";
    throw new AppError("conflict", `A backup is being made already${since}; try again when it has finished.`);
  }
  void executeRun(deps, claim.claimed, actor).catch((err: unknown) => (deps.log ?? console.log)(`[loupe] backup: ${describeError(err)}`));
  return claim.claimed;
}

async function executeRun(deps: RunBackupDeps, run: ScheduledBackup, actor: Actor): Promise<ScheduledBackup> {
  const { handle, schedule } = deps;
  const log = deps.log ?? ((line: string) => console.log(line));
  const heartbeat = setInterval(() => {
    void handle.db
      .update(scheduledBackups)
      .set({ leaseUntil: sql`now() + ${BACKUP_LEASE_MS} * interval '1 millisecond'` })
      .where(eq(scheduledBackups.id, run.id))
      .catch(() => {}); // a missed beat is retried at the next; the lease outlasts several
  }, HEARTBEAT_MS);
  heartbeat.unref();
  let file = path.join(schedule.dir, `loupe-backup-${fileStamp(run.startedAt)}.tar.gz`);
  const t0 = Date.now();
  let finished: ScheduledBackup | undefined;
  try {
    await mkdir(schedule.dir, { recursive: true, mode: 0o700 });
    // Names are to the second: a run within the same second as the last (two quick "Back up now")
    // waits for the next one rather than replace that file.
    while (existsSync(file)) {
      await new Promise((r) => setTimeout(r, 1000 - (Date.now() % 1000) + 5));
      file = path.join(schedule.dir, `loupe-backup-${fileStamp()}.tar.gz`);
    }
    const summary = await writeBackupFile({ handle, store: schedule.blobs ? deps.store : null, blobStoreKind: deps.blobStoreKind, file });
    const rows = Object.values(summary.tables).reduce((a, b) => a + b, 0);
    [finished] = await handle.db
      .update(scheduledBackups)
      .set({ status: "succeeded", finishedAt: sql`now()`, file, bytes: summary.bytes, rows, blobs: summary.blobs.count })
      .where(eq(scheduledBackups.id, run.id))
      .returning();
    // The backup is good whatever happens to the old ones: a failed clean-up is logged and audited.
    let pruneError: string | undefined;
    const pruned = await pruneBackups(schedule.dir, schedule.keep).catch((err: unknown) => {
      pruneError = describeError(err);
      log(`[loupe] could not delete older backups in ${schedule.dir}: ${pruneError}`);
      return [];
    });
    await writeAudit(handle.db, actor, {
      action: "backup.written",
      targetType: "installation",
      data: { run: run.id, file, bytes: summary.bytes, rows, blobs: summary.blobs.count, manual: run.manual, pruned: pruned.map((p) => path.basename(p)), ...(pruneError ? { prune_error: pruneError } : {}) },
    });
    log(`[loupe] backup written: ${file} (${summary.bytes} bytes, ${rows} rows, ${summary.blobs.count} blobs, ${Date.now() - t0} ms)${pruned.length ? `; deleted ${pruned.length} older` : ""}`);
  } catch (err) {
    const error = describeError(err);
    [finished] = await handle.db
      .update(scheduledBackups)
      .set({ status: "failed", finishedAt: sql`now()`, file: null, error })
      .where(eq(scheduledBackups.id, run.id))
      .returning();
    await writeAudit(handle.db, actor, { action: "backup.failed", targetType: "installation", data: { run: run.id, file, error, manual: run.manual } }).catch(() => {});
    log(`[loupe] backup failed: ${error}`);
  } finally {
    clearInterval(heartbeat);
  }
  return finished ?? run;
}

/**
 * Deletes the oldest scheduled-backup files in `dir` beyond the newest `keep` (only files named as the
 * schedule names them; nothing else in the directory is touched), and `.partial` files of that name
 * left by a backup that died (untouched for longer than a lease). Returns the paths deleted.
 */
export async function pruneBackups(dir: string, keep: number, now = Date.now()): Promise<string[]> {
  const names = await readdir(dir);
  // The names hold the start time in a fixed-width form: sorted by name is sorted by time.
  const backups = names.filter((n) => BACKUP_NAME.test(n)).sort();
  const doomed = backups.slice(0, Math.max(0, backups.length - keep));
  for (const n of names) {
    if (!n.endsWith(PARTIAL_SUFFIX) || !BACKUP_NAME.test(n.slice(0, -PARTIAL_SUFFIX.length))) continue;
    const s = await stat(path.join(dir, n)).catch(() => null);
    if (s && now - s.mtimeMs > BACKUP_LEASE_MS) doomed.push(n);
  }
  const deleted: string[] = [];
  for (const n of doomed) {
    const p = path.join(dir, n);
    await rm(p, { force: true });
    deleted.push(p);
  }
  return deleted;
}

/** The latest runs, newest first (the Backup page). */
export async function recentBackupRuns(db: DbOrTx, limit = 10): Promise<ScheduledBackup[]> {
  return db.select().from(scheduledBackups).orderBy(desc(scheduledBackups.startedAt), desc(scheduledBackups.id)).limit(limit);
}

/** The latest run that ended, when it did not succeed: what the admin menu's notice shows. */
export async function lastFailedBackupRun(db: DbOrTx): Promise<ScheduledBackup | null> {
  const [last] = await db
    .select()
    .from(scheduledBackups)
    .where(sql`${scheduledBackups.status} <> 'running'`)
    .orderBy(desc(scheduledBackups.startedAt), desc(scheduledBackups.id))
    .limit(1);
  return last && last.status !== "succeeded" ? last : null;
}

export interface BackupScheduler {
  /** Looks now (tests; the first look is made at start). */
  tick(): Promise<RunOutcome | null>;
  /** No more looks; a backup being written goes on until it ends (or the process does). */
  stop(): void;
}

/** Looks at start and every `tickMs` whether a backup is due, and makes it when this process claims it. */
export function startBackupScheduler(deps: RunBackupDeps, tickMs = SCHEDULE_TICK_MS): BackupScheduler {
  const log = deps.log ?? ((line: string) => console.log(line));
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  let inFlight: Promise<RunOutcome | null> | null = null;
  const tick = () =>
    (inFlight ??= runScheduledBackup(deps)
      .catch((err: unknown) => {
        // The database did not answer the claim: the next look tries again.
        log(`[loupe] backup schedule: ${describeError(err)}`);
        return null;
      })
      .finally(() => (inFlight = null)));
  const loop = () => {
    if (stopped) return;
    void tick().finally(() => {
      if (!stopped) (timer = setTimeout(loop, tickMs)).unref();
    });
  };
  loop();
  return {
    tick,
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}
