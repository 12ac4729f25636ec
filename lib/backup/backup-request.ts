// GET /api/admin/backup: a backup of the running installation (lib/backup/write-backup.ts) as a
// gzipped tar download, for an admin's browser session or a script holding LOUPE_BACKUP_SECRET. It is
// the way to back up a PGlite installation without stopping it (a second process cannot open PGlite).
// The route file only wires this to the process's database, store and session, so tests run it directly.
import { Readable } from "node:stream";
import { createGzip } from "node:zlib";
import { z } from "zod";
import type { DbHandle } from "../../db";
import { errorResponse, parseOrThrow } from "../api/route";
import { writeAudit } from "../audit";
import { bearerSecretMatches } from "../auth/bearer-secret";
import { roleCan } from "../auth/roles";
import type { Actor } from "../context";
import { AppError, normaliseError } from "../errors";
import { describeError } from "../log";
import type { BlobStore } from "../storage";
import { fileStamp } from "./format";
import { RETRY_AFTER_FAILURE_MS, recentBackupRuns, type BackupSchedule } from "./scheduled";
import type { ScheduledBackup } from "../../db/schema";
import { writeBackup } from "./write-backup";

const query = z.object({ blobs: z.enum(["0", "1"]).default("1") });

export interface BackupRequestDeps {
  /** LOUPE_BACKUP_SECRET; unset, only an admin's session may download. */
  secret: string | undefined;
  /** The signed-in user, or null. */
  user: () => Promise<Extract<Actor, { type: "user" }> | null>;
  handle: () => Promise<DbHandle>;
  store: () => BlobStore;
  blobStoreKind: string;
  log?: (line: string) => void;
}

const running = globalThis as unknown as { __loupeBackupRunning?: boolean };

/** `Authorization: Bearer <LOUPE_BACKUP_SECRET>`, or else an admin's session. */
async function authorize(req: Request, deps: Pick<BackupRequestDeps, "secret" | "user">): Promise<Actor> {
  const header = req.headers.get("authorization");
  if (header !== null) {
    if (!bearerSecretMatches(header, deps.secret)) {
      throw new AppError("unauthenticated", "Send LOUPE_BACKUP_SECRET as `Authorization: Bearer …`, or sign in as an admin.");
    }
    return { type: "system" };
  }
  const user = await deps.user();
  if (!user) throw new AppError("unauthenticated");
  if (!roleCan(user.role, "backup")) throw new AppError("forbidden");
  return user;
}

export async function backupResponse(req: Request, deps: BackupRequestDeps): Promise<Response> {
  const log = deps.log ?? ((line: string) => console.log(line));
  let claimed = false;
  try {
    const actor = await authorize(req, deps);
    const q = parseOrThrow(query, Object.fromEntries(new URL(req.url).searchParams));
    // One at a time: each holds a database snapshot open (on PGlite, the database itself) while it reads.
    if (running.__loupeBackupRunning) throw new AppError("conflict", "A backup is being made already; try again when it has finished.");
    running.__loupeBackupRunning = claimed = true;
    const handle = await deps.handle();
    const blobs = q.blobs === "1";
    await writeAudit(handle.db, actor, { action: "backup.downloaded", targetType: "installation", data: { blobs, via: actor.type === "system" ? "secret" : "session" } });

    const gzip = createGzip();
    const started = Date.now();
    void writeBackup({ handle, store: blobs ? deps.store() : null, blobStoreKind: deps.blobStoreKind, out: gzip })
      .then((s) => {
        gzip.end();
        const rows = Object.values(s.tables).reduce((a, b) => a + b, 0);
        log(`[loupe] backup downloaded: ${rows} rows, ${s.blobs.count} blobs, ${Date.now() - started} ms`);
      })
      // The download ends early and incomplete (no end record: a restore refuses it).
      .catch((err: unknown) => {
        log(`[loupe] backup stopped: ${describeError(err)}`);
        gzip.destroy(err instanceof Error ? err : new Error(String(err)));
      })
      .finally(() => {
        running.__loupeBackupRunning = false;
      });
    claimed = false; // released by the backup itself from here on
    return new Response(Readable.toWeb(gzip) as ReadableStream<Uint8Array>, {
      headers: {
        "content-type": "application/gzip",
        "content-disposition": `attachment; filename="loupe-backup-${fileStamp()}.tar.gz"`,
        "cache-control": "no-store",
        "x-content-type-options": "nosniff",
      },
    });
  } catch (err) {
    if (claimed) running.__loupeBackupRunning = false;
    return errorResponse(normaliseError(err), {}, req);
  }
}

/** How late the last good scheduled backup may be before the status says unhealthy: one retry's delay, and then some. */
export const STATUS_GRACE_MS = RETRY_AFTER_FAILURE_MS + 15 * 60_000;

const runDto = (r: ScheduledBackup) => ({
  id: r.id,
  status: r.status,
  manual: r.manual,
  started_at: r.startedAt.toISOString(),
  finished_at: r.finishedAt?.toISOString() ?? null,
  host: r.host,
  file: r.file,
  bytes: r.bytes,
  rows: r.rows,
  blobs: r.blobs,
  error: r.error,
});

/**
 * GET /api/admin/backup/status: the schedule and its last 10 runs as JSON, for a monitor (the same
 * secret or an admin's session as the download). `healthy` is false when the schedule is off, or the
 * last good backup started longer ago than the interval and a retry's grace.
 */
export async function backupStatusResponse(req: Request, deps: Pick<BackupRequestDeps, "secret" | "user" | "handle"> & { schedule: BackupSchedule | null; now?: () => number }): Promise<Response> {
  try {
    await authorize(req, deps);
    const runs = await recentBackupRuns((await deps.handle()).db, 10);
    const lastGood = runs.find((r) => r.status === "succeeded") ?? null;
    const now = deps.now?.() ?? Date.now();
    const schedule = deps.schedule;
    const healthy = schedule !== null && lastGood !== null && now - lastGood.startedAt.getTime() <= schedule.intervalMs + STATUS_GRACE_MS;
    return Response.json(
      {
        healthy,
        schedule: schedule && {
          dir: schedule.dir,
          interval_hours: schedule.intervalMs / 3_600_000,
          at: schedule.atMinute === null ? null : `${String(Math.floor(schedule.atMinute / 60)).padStart(2, "0")}:${String(schedule.atMinute % 60).padStart(2, "0")}`,
          keep: schedule.keep,
          blobs: schedule.blobs,
        },
        last_success: lastGood && runDto(lastGood),
        runs: runs.map(runDto),
      },
      { headers: { "cache-control": "no-store", "x-content-type-options": "nosniff" } },
    );
  } catch (err) {
    return errorResponse(normaliseError(err), {}, req);
  }
}
