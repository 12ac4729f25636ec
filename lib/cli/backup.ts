// `loupe backup [--out <file>] [--no-blobs]` and `loupe restore <file> [--replace] [--no-blobs]`:
// the whole installation (database and blobs) to one archive and back (lib/backup/). The archive's
// path goes to stdout, progress and the summary to stderr; a refusal prints `error: …` and exits 1,
// bad usage exits 2.
import { createReadStream, existsSync } from "node:fs";
import path from "node:path";
import { Readable } from "node:stream";
import { finished } from "node:stream/promises";
import { parseArgs } from "node:util";
import { createGunzip, createGzip } from "node:zlib";
import { openDb } from "../../db";
import { DatabaseInUseError } from "../../db/pglite-lock";
import { BackupError, fileStamp, journal } from "../backup/format";
import { verifyBackup } from "../backup/read-backup";
import { restoreBackup } from "../backup/restore-backup";
import { writeBackupFile } from "../backup/backup-file";
import { formatBytes, writeBackup, type BackupSummary } from "../backup/write-backup";
import { env, paths } from "../env";
import { getBlobStore } from "../storage";

const USAGE = `  loupe backup [--out <file.tar.gz | file.tar | ->] [--no-blobs]
      (default file: loupe-backup-<time>.tar.gz; - writes to stdout)
  loupe restore <file | -> [--replace] [--no-blobs]
      (into the configured database and blob store; --replace restores over a database that holds data)
  loupe restore --check <file | ->
      (reads the whole file and checks it as a restore would, writing nothing)`;

class UsageError extends Error {}

/** parseArgs, its complaints (an unknown option, a missing value) as usage errors. */
function usage<T>(parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

const where = () => (env.DATABASE_URL ? "PostgreSQL" : `PGlite in ${paths.pglite}`);
const progress = (line: string) => console.error(`  ${line}`);

async function backup(args: string[]): Promise<void> {
  const { values: o, positionals } = usage(() => parseArgs({ args, allowPositionals: true, options: { out: { type: "string" }, "no-blobs": { type: "boolean" } } }));
  if (positionals.length) throw new UsageError(`backup: unexpected ${positionals.join(" ")}`);
  const toStdout = o.out === "-";
  const out = toStdout ? "-" : path.resolve(o.out ?? `loupe-backup-${fileStamp()}.tar.gz`);
  if (!env.DATABASE_URL && !existsSync(path.join(paths.pglite, "PG_VERSION"))) {
    throw new BackupError("not_a_backup", `There is no database to back up in ${paths.pglite} (set DATA_DIR or PGLITE_DIR, or DATABASE_URL for PostgreSQL).`);
  }
  const handle = await openDb({ url: env.DATABASE_URL, directUrl: env.DATABASE_DIRECT_URL, migrate: false });
  try {
    console.error(`backing up ${where()} and ${o["no-blobs"] ? "no blobs" : `the ${env.BLOB_STORE} blob store`}`);
    const store = o["no-blobs"] ? null : getBlobStore();
    let summary: BackupSummary;
    if (toStdout) {
      const gzip = createGzip();
      gzip.pipe(process.stdout);
      summary = await writeBackup({ handle, store, blobStoreKind: env.BLOB_STORE, out: gzip, onProgress: progress });
      gzip.end();
      await finished(gzip);
    } else {
      // Under `<out>.partial`, owner-only, renamed once complete (lib/backup/backup-file.ts).
      summary = await writeBackupFile({ handle, store, blobStoreKind: env.BLOB_STORE, file: out, onProgress: progress });
    }
    const rows = Object.values(summary.tables).reduce((a, b) => a + b, 0);
    console.error(
      `backed up ${rows} rows in ${Object.keys(summary.tables).length} tables and ${summary.blobs.count} blobs (${formatBytes(summary.blobs.bytes)}) at migration ${summary.migrations.at(-1) ?? "none"}`,
    );
    if (summary.blobs.missing.length) console.error(`note: ${summary.blobs.missing.length} blobs were removed while they were being copied (cases deleted meanwhile)`);
    if (!toStdout) console.log(out);
  } finally {
    await handle.close();
  }
}

async function restore(args: string[]): Promise<void> {
  const { values: o, positionals } = usage(() =>
    parseArgs({ args, allowPositionals: true, options: { replace: { type: "boolean" }, "no-blobs": { type: "boolean" }, check: { type: "boolean" } } }),
  );
  if (positionals.length !== 1) throw new UsageError("restore: which backup file?");
  const source = positionals[0]!;
  if (source !== "-" && !existsSync(source)) throw new BackupError("not_a_backup", `${source}: no such file`);
  const input = await gunzipIfNeeded(source === "-" ? process.stdin : createReadStream(source));
  if (o.check) {
    const c = await verifyBackup(input, progress);
    const rows = Object.values(c.tables).reduce((a, b) => a + b, 0);
    const known = journal().length;
    const level = c.manifest.migrations.length;
    console.error(
      `${source === "-" ? "stdin" : source}: intact. ${rows} rows in ${Object.keys(c.tables).length} tables and ${c.blobs.count} blobs (${formatBytes(c.blobs.bytes)}), backed up ${c.manifest.created_at} by Loupe ${c.manifest.loupe_version} from ${c.manifest.source.database}, at migration ${c.manifest.migrations.at(-1) ?? "none"}${level < known ? ` (this Loupe migrates it further on restore)` : ""}.`,
    );
    return;
  }
  console.error(`restoring ${source === "-" ? "stdin" : source} into ${where()} and ${o["no-blobs"] ? "no blob store" : `the ${env.BLOB_STORE} blob store`}`);
  const summary = await restoreBackup({
    target: { url: env.DATABASE_URL, directUrl: env.DATABASE_DIRECT_URL, pgliteDir: paths.pglite },
    store: o["no-blobs"] ? null : getBlobStore(),
    input,
    replace: o.replace === true,
    onProgress: progress,
  });
  const rows = Object.values(summary.tables).reduce((a, b) => a + b, 0);
  const b = summary.blobs;
  console.error(
    `restored ${rows} rows in ${Object.keys(summary.tables).length} tables and ${b.written + b.present} blobs (${b.present} already there${b.skipped ? `, ${b.skipped} skipped` : ""}), backed up ${summary.manifest.created_at} by Loupe ${summary.manifest.loupe_version}`,
  );
  if (summary.upgradedBy.length) console.error(`then migrated: ${summary.upgradedBy.join(", ")}`);
  if (summary.replacedDir) console.error(`the database that was there is kept in ${summary.replacedDir}`);
}

/** The stream itself, or its gunzipped bytes when it starts with gzip's magic number. */
async function gunzipIfNeeded(stream: Readable): Promise<Readable> {
  const it = stream[Symbol.asyncIterator]();
  const first = await it.next();
  const head = first.done ? Buffer.alloc(0) : (first.value as Buffer);
  const whole = Readable.from(
    (async function* () {
      if (head.length) yield head;
      for (let r = await it.next(); !r.done; r = await it.next()) yield r.value as Buffer;
    })(),
  );
  return head[0] === 0x1f && head[1] === 0x8b ? whole.pipe(createGunzip()) : whole;
}

const [command, ...rest] = process.argv.slice(2);

try {
  if (command === "backup") await backup(rest);
  else if (command === "restore") await restore(rest);
  else throw new UsageError(command ? `unknown command: ${command}` : "backup or restore?");
} catch (err) {
  if (err instanceof UsageError) {
    console.error(`${err.message}\nusage:\n${USAGE}`);
    process.exitCode = 2;
  } else if (err instanceof BackupError || err instanceof DatabaseInUseError) {
    console.error(`error: ${err.message}`);
    // A running server holds its PGlite database, and can make the backup itself.
    if (err instanceof DatabaseInUseError && command === "backup") {
      console.error("While the server runs, download a backup from it instead: Backup in its admin menu (/admin/backup), or GET /api/admin/backup with LOUPE_BACKUP_SECRET (README, \"Backup and restore\").");
    }
    process.exitCode = 1;
  } else throw err;
}
