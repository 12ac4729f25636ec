// What a Loupe backup holds and how its parts are named, shared by writeBackup and restoreBackup.
//
//   loupe-backup.json            the manifest: format, when, from what, the schema's migration level,
//                                every table's columns (read this first)
//   db/<table>/<n>.jsonl         the table's rows, one JSON object per line (row_to_json), in chunks
//   blobs/<key>                  each stored blob (originals, display images, heatmaps) under its key
//   loupe-backup-end.json        row and blob counts, and the sha256 of every member before it
//
// Rows are carried as PostgreSQL's own JSON text and never parsed by JavaScript, so bigints, numerics,
// timestamps (to the microsecond), bytea and arrays come back exactly (json_populate_recordset).
import { readFileSync } from "node:fs";
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import { getTableConfig, PgTable } from "drizzle-orm/pg-core";
import { MIGRATIONS_FOLDER, schema, type DbOrTx } from "../../db";

export const FORMAT = "loupe-backup";
export const FORMAT_VERSION = 1;
export const MANIFEST_NAME = "loupe-backup.json";
export const END_NAME = "loupe-backup-end.json";
export const BLOB_PREFIX = "blobs/";
/** A table chunk holds at most this many rows, or about this many bytes: a restore batch inserts one chunk. */
export const CHUNK_ROWS = 1000;
export const CHUNK_BYTES = 4 * 1024 * 1024;

export interface Manifest {
  format: typeof FORMAT;
  format_version: number;
  created_at: string;
  loupe_version: string;
  source: { database: "postgres" | "pglite"; blob_store: string; blobs_included: boolean };
  /** The migrations applied to the database backed up, in order (their tags in db/migrations/meta/_journal.json). */
  migrations: string[];
  /** Per table, the columns stored (generated columns are left out: the database computes them). */
  tables: { name: string; columns: string[] }[];
}

export interface EndRecord {
  tables: Record<string, number>;
  blobs: { count: number; bytes: number; missing: string[] };
  /** Every member before this one: name, byte count, sha256. */
  members: { name: string; size: number; sha256: string }[];
}

/** Why a backup or a restore was refused, with a stable code (the CLI prints the message, exits 1). */
export type BackupErrorCode =
  | "database_newer" // the database or the archive was written by a later Loupe
  | "not_a_backup" // the file is no Loupe backup, or a later format of one
  | "archive_damaged" // a member's bytes differ from what the archive recorded, or it ends early
  | "target_not_empty" // restore: the database holds data, and --replace was not given
  | "target_ahead"; // restore: the database has migrations the backup does not (restore into an empty one)

export class BackupError extends Error {
  constructor(
    readonly code: BackupErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "BackupError";
  }
}

export const chunkName = (table: string, n: number) => `db/${table}/${String(n).padStart(6, "0")}.jsonl`;

interface JournalEntry {
  tag: string;
  when: number;
}

/** The migrations this version of Loupe knows, in order. */
export function journal(folder: string = MIGRATIONS_FOLDER): JournalEntry[] {
  const j = JSON.parse(readFileSync(path.join(folder, "meta/_journal.json"), "utf8")) as { entries: JournalEntry[] };
  return j.entries.map((e) => ({ tag: e.tag, when: e.when }));
}

/** A migrations folder holding only the first `count` migrations, for drizzle's migrator (a restore stops at its backup's level). */
export async function migrationsUpTo(count: number): Promise<{ folder: string; cleanup(): Promise<void> }> {
  const folder = await mkdtemp(path.join(os.tmpdir(), "loupe-migrations-"));
  const all = JSON.parse(await readFile(path.join(MIGRATIONS_FOLDER, "meta/_journal.json"), "utf8")) as { entries: { tag: string }[] };
  const entries = all.entries.slice(0, count);
  await mkdir(path.join(folder, "meta"));
  await writeFile(path.join(folder, "meta/_journal.json"), JSON.stringify({ ...all, entries }));
  for (const e of entries) await copyFile(path.join(MIGRATIONS_FOLDER, `${e.tag}.sql`), path.join(folder, `${e.tag}.sql`));
  return { folder, cleanup: () => rm(folder, { recursive: true, force: true }) };
}

/** The first migration of `applied` that this Loupe does not know at that place (a later Loupe wrote it), or undefined. */
export function firstUnknownMigration(applied: string[], known: JournalEntry[] = journal()): string | undefined {
  return applied.find((m, i) => m !== known[i]?.tag);
}

/** A time for file names: `2026-12-07T08-14-10Z` (no colons, which some file systems refuse). */
export function fileStamp(at = new Date()): string {
  return at.toISOString().replaceAll(":", "-").replace(/\.\d+Z$/, "Z");
}

export const rowsOf = <T>(r: unknown): T[] => (Array.isArray(r) ? r : (r as { rows: T[] }).rows);

/**
 * The tags of the migrations applied to a database, in order ([] for a new one). drizzle's migrator
 * records each by the `when` of its journal entry; one it does not know means a later version of Loupe
 * wrote this database.
 */
export async function appliedMigrations(db: DbOrTx, known: JournalEntry[] = journal()): Promise<string[]> {
  const [exists] = rowsOf<{ t: string | null }>(await db.execute(sql`select to_regclass('drizzle.__drizzle_migrations')::text as t`));
  if (!exists?.t) return [];
  const rows = rowsOf<{ created_at: string | number }>(await db.execute(sql`select created_at from drizzle.__drizzle_migrations order by created_at`));
  const byWhen = new Map(known.map((e) => [e.when, e.tag]));
  return rows.map((r) => byWhen.get(Number(r.created_at)) ?? `unknown migration of ${new Date(Number(r.created_at)).toISOString()}`);
}

/** Loupe's tables (db/schema), in the order they are declared. */
export function loupeTables(): string[] {
  return (Object.values(schema) as unknown[]).filter((v): v is PgTable => v instanceof PgTable).map((t) => getTableConfig(t).name);
}

/** A table's stored columns, in order, as the database has them now (generated ones left out). */
export async function storedColumns(db: DbOrTx, table: string): Promise<string[]> {
  const rows = rowsOf<{ name: string }>(
    await db.execute(sql`select attname as name from pg_attribute
      where attrelid = to_regclass(${`public.${quoteIdent(table)}`}) and attnum > 0 and not attisdropped and attgenerated = ''
      order by attnum`),
  );
  return rows.map((r) => r.name);
}

export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

export function loupeVersion(): string {
  try {
    return (JSON.parse(readFileSync(path.resolve(process.cwd(), "package.json"), "utf8")) as { version: string }).version;
  } catch {
    return "unknown";
  }
}
