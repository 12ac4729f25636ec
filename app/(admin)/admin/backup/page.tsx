import type { Metadata } from "next";
import { headers } from "next/headers";
import { getDbHandle } from "@/db";
import { listAuditEvents } from "@/lib/audit-log/queries";
import { requirePageActor } from "@/lib/auth/session";
import { backupScheduleFromEnv, nextDue, recentBackupRuns, type BackupSchedule } from "@/lib/backup/scheduled";
import { formatBytes } from "@/lib/backup/write-backup";
import { env } from "@/lib/env";
import type { ScheduledBackup } from "@/db/schema";
import { BackupNowButton, RefreshWhileRunning } from "./_components/backup-now";
import { utcMinute } from "@/lib/format-time";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Backup" };

const button = "inline-block rounded bg-slate-900 px-4 py-2 font-medium text-white hover:bg-slate-700";
const secondary = "inline-block rounded border border-slate-400 px-4 py-2 font-medium text-slate-900 hover:bg-slate-50";

function Code({ children }: { children: string }) {
  // Focusable: a command wider than a phone scrolls, by keyboard too.
  return (
    <pre tabIndex={0} className="mt-2 overflow-x-auto rounded bg-slate-100 p-3 text-sm text-slate-900">
      {children}
    </pre>
  );
}

const utc = utcMinute;

const STATUS_STYLE: Record<string, string> = {
  running: "bg-sky-100 text-sky-900",
  succeeded: "bg-emerald-100 text-emerald-900",
  failed: "bg-red-100 text-red-900",
  interrupted: "bg-amber-100 text-amber-900",
};

function nextRun(schedule: BackupSchedule, runs: ScheduledBackup[], now = Date.now()): string {
  const due = nextDue(schedule, runs, now);
  if (due === "running") return "after the one being made";
  return due <= now ? "within a minute" : `about ${utc(new Date(due))}`;
}

function Took({ run }: { run: ScheduledBackup }) {
  if (!run.finishedAt) return <>…</>;
  const s = (run.finishedAt.getTime() - run.startedAt.getTime()) / 1000;
  return <>{s < 60 ? `${s.toFixed(1)} s` : `${Math.round(s / 60)} min`}</>;
}

async function ScheduleSection() {
  const schedule = backupScheduleFromEnv(env);
  const runs = await recentBackupRuns((await getDbHandle()).db, 10);
  const hours = env.LOUPE_BACKUP_INTERVAL_HOURS;
  return (
    <section className="space-y-3 rounded-lg border border-slate-200 bg-white p-4" aria-labelledby="schedule-heading">
      <h2 id="schedule-heading" className="font-semibold">
        Scheduled backups
      </h2>
      {schedule ? (
        <>
          <p className="text-slate-700" data-testid="backup-schedule">
            Every {schedule.atMinute !== null ? `day at ${env.LOUPE_BACKUP_AT} UTC` : hours === 24 ? "day" : hours === 1 ? "hour" : `${hours} hours`} into <code className="break-all">{schedule.dir}</code>, keeping the newest {schedule.keep}
            {schedule.blobs ? ", images included" : ", database only (no images)"}. Next: {nextRun(schedule, runs)}.
          </p>
          <BackupNowButton />
        </>
      ) : (
        <p className="text-slate-700">
          Off. Set <code>LOUPE_BACKUP_DIR</code> in the server&apos;s environment and Loupe writes a backup there every day
          (<code>LOUPE_BACKUP_INTERVAL_HOURS</code>), keeping the newest 7 (<code>LOUPE_BACKUP_KEEP</code>). With several Loupe processes, one of
          them makes each backup.
        </p>
      )}
      {runs.some((r) => r.status === "running") && <RefreshWhileRunning />}
      {runs.length > 0 && (
        // Scrolls sideways on a phone, by keyboard too.
        <div className="overflow-x-auto" tabIndex={0} role="region" aria-label="Backup runs">
          <table className="w-full text-left text-sm">
            <thead>
              <tr className="text-slate-700">
                <th className="py-1 pr-3 font-medium">Started</th>
                <th className="py-1 pr-3 font-medium">Status</th>
                <th className="py-1 pr-3 font-medium">File</th>
                <th className="py-1 pr-3 font-medium">Size</th>
                <th className="py-1 font-medium">Took</th>
              </tr>
            </thead>
            <tbody>
              {runs.map((r) => (
                <tr key={r.id} className="border-t border-slate-100 align-top" data-testid="backup-run">
                  <td className="py-1 pr-3 tabular-nums whitespace-nowrap">
                    {utc(r.startedAt)}
                    {r.manual && <span className="ml-1 text-slate-600">(manual)</span>}
                  </td>
                  <td className="py-1 pr-3">
                    <span className={`rounded px-1.5 text-xs ${STATUS_STYLE[r.status] ?? ""}`}>{r.status}</span>
                    {r.error && <div className="mt-1 max-w-md text-xs text-red-800">{r.error}</div>}
                  </td>
                  <td className="py-1 pr-3 whitespace-nowrap" title={`on ${r.host}`}>
                    {r.file ? r.file.split("/").pop() : "—"}
                  </td>
                  <td className="py-1 pr-3 tabular-nums whitespace-nowrap">{r.bytes === null ? "—" : formatBytes(r.bytes)}</td>
                  <td className="py-1 tabular-nums whitespace-nowrap">
                    <Took run={r} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

export default async function BackupPage() {
  await requirePageActor("backup");
  const handle = await getDbHandle();
  const recent = await listAuditEvents(handle.db, { action: "backup.downloaded" }, 5);
  // The address to show in the script: the public URL when configured, else the one this page was asked on.
  const origin = env.LOUPE_PUBLIC_URL ?? `http://${(await headers()).get("host") ?? "127.0.0.1:3000"}`;
  return (
    <div className="max-w-3xl space-y-6">
      <h1 className="text-2xl font-semibold">Backup</h1>
      <p className="text-slate-700">
        A backup is one file holding the whole installation: every case, detection, decision and audit entry, the users (with their
        password hashes), API keys (hashed), webhook endpoints (with their signing secrets), and every stored image and heatmap. Keep it as
        safe as the server itself. It restores into a new Loupe on PGlite or PostgreSQL, with local files or an S3 bucket.
      </p>

      <ScheduleSection />

      <section className="space-y-3 rounded-lg border border-slate-200 bg-white p-4" aria-labelledby="download-heading">
        <h2 id="download-heading" className="font-semibold">
          Download one now
        </h2>
        <div className="flex flex-wrap gap-3">
          <a href="/api/admin/backup" download className={button} data-testid="backup-download">
            Download backup
          </a>
          <a href="/api/admin/backup?blobs=0" download className={secondary}>
            Database only (no images)
          </a>
        </div>
        <p className="text-sm text-slate-700">
          The tables are read from one consistent snapshot while Loupe goes on working.
          {handle.kind === "pglite" &&
            " This installation runs on PGlite, which serves one statement at a time: while the tables are read (about 25 s per 100 000 cases on a small server, under a second for a few thousand), other requests wait."}
        </p>
      </section>

      <section className="space-y-2 rounded-lg border border-slate-200 bg-white p-4" aria-labelledby="script-heading">
        <h2 id="script-heading" className="font-semibold">
          From a script
        </h2>
        {env.LOUPE_BACKUP_SECRET ? (
          <>
            <p className="text-slate-700">
              <code>LOUPE_BACKUP_SECRET</code> is set: a script sends it to the same address.
            </p>
            <Code>{`curl -fsS -H "Authorization: Bearer $LOUPE_BACKUP_SECRET" \\\n  -o "loupe-$(date +%F).tar.gz" ${new URL("/api/admin/backup", origin).toString()}`}</Code>
          </>
        ) : (
          <p className="text-slate-700">
            Set <code>LOUPE_BACKUP_SECRET</code> (32 characters or more) in the server&apos;s environment, and a script can download backups with
            it as <code>Authorization: Bearer …</code>.
          </p>
        )}
        <p className="text-slate-700">On PostgreSQL, or while the server is stopped, the command line does the same:</p>
        <Code>{"npm run loupe -- backup --out loupe-backup.tar.gz"}</Code>
      </section>

      <section className="space-y-2 rounded-lg border border-slate-200 bg-white p-4" aria-labelledby="restore-heading">
        <h2 id="restore-heading" className="font-semibold">
          Restore
        </h2>
        <p className="text-slate-700">
          With the server stopped, into a new <code>DATA_DIR</code> or an empty PostgreSQL database (<code>DATABASE_URL</code>) and the
          configured blob store. A database that already holds data needs <code>--replace</code>; on PGlite the one that was there is kept
          beside it. A damaged or incomplete file restores nothing.
        </p>
        <Code>{"npm run loupe -- restore loupe-backup.tar.gz"}</Code>
      </section>

      <section className="rounded-lg border border-slate-200 bg-white p-4" aria-labelledby="recent-heading">
        <h2 id="recent-heading" className="mb-2 font-semibold">
          Recent downloads
        </h2>
        {recent.items.length === 0 ? (
          <p className="text-slate-700">None yet.</p>
        ) : (
          <table className="w-full text-left text-sm">
            <thead>
              <tr className="text-slate-700">
                <th className="py-1 font-medium">When (UTC)</th>
                <th className="py-1 font-medium">By</th>
                <th className="py-1 font-medium">Images</th>
              </tr>
            </thead>
            <tbody>
              {recent.items.map((e) => (
                <tr key={e.id} className="border-t border-slate-100" data-testid="backup-row">
                  <td className="py-1 tabular-nums">{e.createdAt.toISOString().replace("T", " ").slice(0, 19)}</td>
                  <td className="py-1">{e.actorType === "system" ? "a script (LOUPE_BACKUP_SECRET)" : e.actorLabel}</td>
                  <td className="py-1">{e.data.blobs === false ? "left out" : "included"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </div>
  );
}
