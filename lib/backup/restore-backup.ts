// `restoreBackup`: a backup (lib/backup/format.ts) back into a database and a blob store, which may be
// of another kind than the ones it came from (PGlite → PostgreSQL, local files → S3).
//
// 1. The target's schema is brought to the backup's migration level (never past it), so the rows fit
//    the columns they came from; the migrations after it run once the rows are in, as on any upgrade,
//    data backfills included.
// 2. All rows go in one transaction, foreign keys dropped meanwhile and added back (checked) before it
//    commits, sequences moved past the restored ids. Any failure, a damaged member included, rolls it
//    all back and removes the blobs this restore added.
// 3. PGlite: the restore builds a new directory beside PGLITE_DIR and swaps it in at the end; a database
//    that was there (only with `replace`) is kept, renamed `<dir>.replaced-<time>`. PostgreSQL: with
//    `replace` the tables are emptied in the restoring transaction.
import { existsSync } from "node:fs";
import { mkdir, readdir, rename, rm, rmdir } from "node:fs/promises";
import path from "node:path";
import type { Readable } from "node:stream";
import { sql } from "drizzle-orm";
import { openDb, type DbHandle, type Tx } from "../../db";
import { lockPgliteDir } from "../../db/pglite-lock";
import type { BlobStore } from "../storage";
import { appliedMigrations, BackupError, fileStamp, firstUnknownMigration, journal, loupeTables, migrationsUpTo, quoteIdent, rowsOf, type Manifest } from "./format";
import { openArchive, walkArchive, type OpenArchive } from "./read-backup";

export interface RestoreTarget {
  /** PostgreSQL URL; unset → PGlite in `pgliteDir`. */
  url?: string;
  directUrl?: string;
  pgliteDir?: string;
}

export interface RestoreBackupOptions {
  target: RestoreTarget;
  /** Where the blobs go; null skips them. */
  store: BlobStore | null;
  input: Readable;
  /** Restore over a database that holds data (PGlite: kept aside; PostgreSQL: emptied). */
  replace?: boolean;
  onProgress?: (line: string) => void;
}

export interface RestoreSummary {
  manifest: Manifest;
  tables: Record<string, number>;
  blobs: { written: number; present: number; skipped: number };
  /** Migrations run after the rows were in (the backup was older than this Loupe). */
  upgradedBy: string[];
  /** PGlite with `replace`: where the database that was there now is. */
  replacedDir?: string;
}

export async function restoreBackup({ target, store, input, replace = false, onProgress = () => {} }: RestoreBackupOptions): Promise<RestoreSummary> {
  const archive = await openArchive(input);
  const { manifest } = archive;
  const known = journal();
  const unknown = firstUnknownMigration(manifest.migrations, known);
  if (unknown !== undefined) throw new BackupError("database_newer", `This backup was made by a later version of Loupe (its database has ${unknown}); restore it with that version.`);

  const partial = await migrationsUpTo(manifest.migrations.length);
  let unlockTarget = async () => {};
  let workDir: string | undefined;
  let createdDir: string | undefined; // PGlite: the (empty) directory made to hold the lock, removed on failure
  try {
    let handle: DbHandle;
    let pgliteHadDb = false;
    if (target.url) {
      await checkPostgresTarget(target, manifest, replace);
      handle = await openDb({ url: target.url, directUrl: target.directUrl, migrationsFolder: partial.folder });
    } else {
      const dir = path.resolve(target.pgliteDir!);
      if (!existsSync(dir)) createdDir = dir;
      await mkdir(dir, { recursive: true });
      unlockTarget = await lockPgliteDir(dir);
      pgliteHadDb = existsSync(path.join(dir, "PG_VERSION"));
      if (!pgliteHadDb && (await readdir(dir)).length > 0) {
        throw new BackupError("target_not_empty", `${dir} holds files but no database: restore into an empty or new directory.`);
      }
      if (pgliteHadDb && !replace) {
        throw new BackupError("target_not_empty", `${dir} already holds a database. Restore into a new DATA_DIR (or PGLITE_DIR), or add --replace: the database there is then kept beside it, renamed.`);
      }
      workDir = `${dir}.restoring-${process.pid}`;
      await rm(workDir, { recursive: true, force: true });
      handle = await openDb({ pgliteDir: workDir, migrationsFolder: partial.folder });
    }

    const written: string[] = [];
    let summary: Omit<RestoreSummary, "manifest" | "upgradedBy" | "replacedDir">;
    try {
      summary = await handle.db.transaction(async (tx) => {
        if (replace && target.url) await tx.execute(sql.raw(`truncate ${manifest.tables.map((t) => quoteIdent(t.name)).join(", ")} cascade`));
        const restoreKeys = await dropForeignKeys(tx, new Set(manifest.tables.map((t) => t.name)));
        const loaded = await loadMembers(tx, archive, store, written, onProgress);
        for (const statement of restoreKeys) await tx.execute(sql.raw(statement));
        await advanceSequences(tx, manifest);
        return loaded;
      });
    } catch (err) {
      for (const key of written) await store?.delete(key).catch(() => {});
      throw err;
    } finally {
      await handle.close();
    }

    // The migrations after the backup's level, on the restored rows.
    const upgradedBy = known.slice(manifest.migrations.length).map((e) => e.tag);
    const upgraded = await openDb(target.url ? { url: target.url, directUrl: target.directUrl } : { pgliteDir: workDir });
    await upgraded.db.execute(sql`analyze`);
    await upgraded.close();

    let replacedDir: string | undefined;
    if (workDir) {
      const dir = path.resolve(target.pgliteDir!);
      if (pgliteHadDb) {
        replacedDir = `${dir}.replaced-${fileStamp()}`;
        await rename(dir, replacedDir);
      } else await rmdir(dir);
      await rename(workDir, dir);
      workDir = undefined;
      createdDir = undefined;
    }
    return { manifest, ...summary, upgradedBy, replacedDir };
  } finally {
    if (workDir) await rm(workDir, { recursive: true, force: true });
    await unlockTarget();
    if (createdDir) await rmdir(createdDir).catch(() => {});
    await partial.cleanup();
  }
}

/** PostgreSQL: the database must be behind or at the backup's level, and empty unless `replace` (then nobody else may be using it). */
async function checkPostgresTarget(target: RestoreTarget, manifest: Manifest, replace: boolean): Promise<void> {
  const h = await openDb({ url: target.url, directUrl: target.directUrl, migrate: false });
  try {
    const applied = await appliedMigrations(h.db);
    const ahead = applied.find((m, i) => m !== manifest.migrations[i]);
    if (ahead !== undefined) {
      throw new BackupError(
        "target_ahead",
        `The database has migrations the backup does not (${ahead}): restore into an empty database (createdb loupe_restored, and point DATABASE_URL at it).`,
      );
    }
    const existing = new Set(rowsOf<{ name: string }>(await h.db.execute(sql`select tablename as name from pg_tables where schemaname = 'public'`)).map((r) => r.name));
    const holding: string[] = [];
    for (const t of loupeTables()) {
      if (!existing.has(t)) continue;
      const [row] = rowsOf<{ any: boolean }>(await h.db.execute(sql.raw(`select exists (select 1 from ${quoteIdent(t)}) as any`)));
      if (row?.any) holding.push(t);
    }
    if (holding.length && !replace) {
      throw new BackupError("target_not_empty", `The database already holds data (${holding.join(", ")}). Restore into an empty database, or add --replace to delete what it holds.`);
    }
    if (holding.length) {
      const [others] = rowsOf<{ n: number }>(await h.db.execute(sql`select count(*)::int as n from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()`));
      if (others && others.n > 0) {
        throw new BackupError("target_not_empty", `${others.n} other session${others.n === 1 ? " is" : "s are"} connected to this database (a Loupe server or worker?): stop them before replacing its data.`);
      }
    }
  } finally {
    await h.close();
  }
}

/** Drops the foreign keys of the tables being restored; returns the statements that add them back. */
async function dropForeignKeys(tx: Tx, tables: Set<string>): Promise<string[]> {
  const all = rowsOf<{ tbl: string; name: string; def: string }>(
    await tx.execute(sql`select c.conrelid::regclass::text as tbl, c.conname as name, pg_get_constraintdef(c.oid) as def
      from pg_constraint c join pg_namespace n on n.oid = c.connamespace where c.contype = 'f' and n.nspname = 'public'`),
  );
  const keys = all.filter((k) => tables.has(k.tbl));
  for (const k of keys) await tx.execute(sql.raw(`alter table ${k.tbl} drop constraint ${quoteIdent(k.name)}`));
  return keys.map((k) => `alter table ${k.tbl} add constraint ${quoteIdent(k.name)} ${k.def}`);
}

/** The archive's rows into their tables and its blobs into `store` (null: skipped), within `tx`. */
async function loadMembers(
  tx: Tx,
  archive: OpenArchive,
  store: BlobStore | null,
  written: string[],
  onProgress: (line: string) => void,
): Promise<{ tables: Record<string, number>; blobs: RestoreSummary["blobs"] }> {
  const columns = new Map(archive.manifest.tables.map((t) => [t.name, t.columns]));
  const blobs = { written: 0, present: 0, skipped: 0 };
  const { tables } = await walkArchive(archive, {
    onProgress,
    async rows(table, lines, member) {
      const list = columns.get(table)!.map(quoteIdent).join(", ");
      await tx
        .execute(sql`${sql.raw(`insert into ${quoteIdent(table)} (${list}) select ${list} from json_populate_recordset(null::${quoteIdent(table)}, `)}${`[${lines.join(",")}]`}::json)`)
        .catch((err: unknown) => {
          // The database's own complaint (drizzle's wrapper repeats the statement and its 4 MB parameter).
          const reason = err instanceof Error && err.cause instanceof Error ? err.cause.message : String(err);
          throw new BackupError("archive_damaged", `The backup is damaged: the rows in ${member} do not load (${reason.slice(0, 300)}).`);
        });
    },
    async blob(key, data) {
      if (!store) {
        blobs.skipped++;
        return;
      }
      if (await store.exists(key)) blobs.present++;
      else {
        await store.put(key, data);
        written.push(key);
        blobs.written++;
      }
    },
  });
  return { tables, blobs };
}

/** Every serial column's sequence past the largest restored value. */
async function advanceSequences(tx: Tx, manifest: Manifest): Promise<void> {
  for (const { name, columns } of manifest.tables) {
    for (const col of columns) {
      const [seq] = rowsOf<{ s: string | null }>(await tx.execute(sql`select pg_get_serial_sequence(${quoteIdent(name)}, ${col}) as s`));
      if (!seq?.s) continue;
      await tx.execute(sql.raw(`select setval('${seq.s.replaceAll("'", "''")}', coalesce((select max(${quoteIdent(col)}) from ${quoteIdent(name)}), 0) + 1, false)`));
    }
  }
}
