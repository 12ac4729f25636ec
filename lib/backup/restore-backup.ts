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
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readdir, rename, rm, rmdir } from "node:fs/promises";
import path from "node:path";
import type { Readable } from "node:stream";
import { sql } from "drizzle-orm";
import { openDb, type DbHandle, type Tx } from "../../db";
import { lockPgliteDir } from "../../db/pglite-lock";
import type { BlobStore } from "../storage";
import {
  appliedMigrations,
  BackupError,
  BLOB_PREFIX,
  END_NAME,
  FORMAT,
  FORMAT_VERSION,
  journal,
  loupeTables,
  MANIFEST_NAME,
  migrationsUpTo,
  quoteIdent,
  rowsOf,
  type EndRecord,
  type Manifest,
} from "./format";
import { readTar, TarFormatError, type TarMember } from "./tar";

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

const CONTENT_ADDRESSED = /^images\/[0-9a-f]{2}\/[0-9a-f]{2}\/([0-9a-f]{64})$/;

export async function restoreBackup({ target, store, input, replace = false, onProgress = () => {} }: RestoreBackupOptions): Promise<RestoreSummary> {
  const members = readTar(input)[Symbol.asyncIterator]();
  const hashes: EndRecord["members"] = [];
  const next = async (): Promise<TarMember | null> => {
    const r = await members.next().catch((err: unknown) => {
      // A tar or gzip format error (zlib's codes start with Z_): the file is damaged or cut short.
      const damaged = err instanceof TarFormatError || String((err as { code?: unknown }).code ?? "").startsWith("Z_");
      throw damaged ? new BackupError("archive_damaged", `The backup is damaged: ${(err as Error).message}`) : err;
    });
    if (r.done) return null;
    if (r.value.name !== END_NAME) hashes.push({ name: r.value.name, size: r.value.data.length, sha256: createHash("sha256").update(r.value.data).digest("hex") });
    return r.value;
  };

  const manifest = readManifest(await next().catch(() => null));
  const known = journal();
  const unknown = manifest.migrations.find((m, i) => m !== known[i]?.tag);
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
        const loaded = await loadMembers(tx, manifest, next, store, written, hashes, onProgress);
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
        replacedDir = `${dir}.replaced-${new Date().toISOString().replaceAll(":", "-").replace(/\.\d+Z$/, "Z")}`;
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

function readManifest(member: TarMember | null): Manifest {
  let m: Partial<Manifest> | undefined;
  if (member?.name === MANIFEST_NAME) {
    try {
      m = JSON.parse(member.data.toString("utf8")) as Partial<Manifest>;
    } catch {
      m = undefined;
    }
  }
  if (m?.format !== FORMAT || !Array.isArray(m.migrations) || !Array.isArray(m.tables)) {
    throw new BackupError("not_a_backup", `This is not a Loupe backup (a tar file made by \`loupe backup\`, starting with ${MANIFEST_NAME}).`);
  }
  if (typeof m.format_version !== "number" || m.format_version > FORMAT_VERSION) {
    throw new BackupError("not_a_backup", `This backup has format version ${String(m.format_version)}; this Loupe reads up to ${FORMAT_VERSION}. Restore it with the version that made it.`);
  }
  // Only Loupe's own tables and plain column names: nothing in the file may name another table.
  const ours = new Set(loupeTables());
  const stranger = m.tables.find((t) => !ours.has(t?.name) || !Array.isArray(t.columns) || !t.columns.every((c) => typeof c === "string" && /^[a-z_][a-z0-9_]*$/.test(c)));
  if (stranger) throw new BackupError("not_a_backup", `This backup names a table Loupe does not have (${String(stranger?.name)}).`);
  return m as Manifest;
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

async function loadMembers(
  tx: Tx,
  manifest: Manifest,
  next: () => Promise<TarMember | null>,
  store: BlobStore | null,
  written: string[],
  hashes: EndRecord["members"],
  onProgress: (line: string) => void,
): Promise<{ tables: Record<string, number>; blobs: RestoreSummary["blobs"] }> {
  const columns = new Map(manifest.tables.map((t) => [t.name, t.columns]));
  const tables: Record<string, number> = Object.fromEntries(manifest.tables.map((t) => [t.name, 0]));
  const blobs = { written: 0, present: 0, skipped: 0 };
  let current = "";
  for (;;) {
    const member = await next();
    if (!member) throw new BackupError("archive_damaged", `The backup is damaged: it ends without ${END_NAME} (cut short?).`);
    if (member.name === END_NAME) {
      if (current) onProgress(`${current}: ${rowCount(tables[current]!)}`);
      verifyEnd(member, hashes, tables);
      return { tables, blobs };
    }
    const row = /^db\/([a-z_][a-z0-9_]*)\/\d+\.jsonl$/.exec(member.name);
    if (row) {
      const table = row[1]!;
      const cols = columns.get(table);
      if (!cols) throw new BackupError("archive_damaged", `The backup is damaged: rows for ${table}, a table its manifest does not list.`);
      if (table !== current) {
        if (current) onProgress(`${current}: ${rowCount(tables[current]!)}`);
        current = table;
      }
      const lines = member.data.toString("utf8").split("\n").filter(Boolean);
      const list = cols.map(quoteIdent).join(", ");
      await tx
        .execute(sql`${sql.raw(`insert into ${quoteIdent(table)} (${list}) select ${list} from json_populate_recordset(null::${quoteIdent(table)}, `)}${`[${lines.join(",")}]`}::json)`)
        .catch((err: unknown) => {
          // The database's own complaint (drizzle's wrapper repeats the statement and its 4 MB parameter).
          const reason = err instanceof Error && err.cause instanceof Error ? err.cause.message : String(err);
          throw new BackupError("archive_damaged", `The backup is damaged: the rows in ${member.name} do not load (${reason.slice(0, 300)}).`);
        });
      tables[table]! += lines.length;
    } else if (member.name.startsWith(BLOB_PREFIX)) {
      if (current) onProgress(`${current}: ${rowCount(tables[current]!)}`);
      current = "";
      const key = member.name.slice(BLOB_PREFIX.length);
      if (!store) {
        blobs.skipped++;
        continue;
      }
      const sha = CONTENT_ADDRESSED.exec(key)?.[1];
      if (sha && createHash("sha256").update(member.data).digest("hex") !== sha) {
        throw new BackupError("archive_damaged", `The backup is damaged: the bytes of ${key} do not match their address.`);
      }
      if (await store.exists(key)) blobs.present++;
      else {
        await store.put(key, member.data);
        written.push(key);
        blobs.written++;
      }
      const done = blobs.written + blobs.present;
      if (done % 1000 === 0) onProgress(`blobs: ${done}`);
    } else {
      throw new BackupError("archive_damaged", `The backup is damaged: an unexpected member ${member.name}.`);
    }
  }
}

const rowCount = (n: number) => `${n} row${n === 1 ? "" : "s"}`;

/** The end record must list exactly the members read, byte for byte, and the rows loaded. */
function verifyEnd(member: TarMember, read: EndRecord["members"], tables: Record<string, number>): void {
  let end: EndRecord;
  try {
    end = JSON.parse(member.data.toString("utf8")) as EndRecord;
  } catch {
    throw new BackupError("archive_damaged", `The backup is damaged: ${END_NAME} is not JSON.`);
  }
  const expected = end.members ?? [];
  const bad = read.find((m, i) => m.name !== expected[i]?.name || m.size !== expected[i]?.size || m.sha256 !== expected[i]?.sha256);
  if (bad || expected.length !== read.length) {
    throw new BackupError("archive_damaged", `The backup is damaged: ${bad ? `${bad.name} differs from what was written` : "members are missing"}.`);
  }
  for (const [t, n] of Object.entries(end.tables ?? {})) {
    if ((tables[t] ?? 0) !== n) throw new BackupError("archive_damaged", `The backup is damaged: ${t} has ${tables[t] ?? 0} rows where ${n} were written.`);
  }
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
