// `writeBackup`: the whole of a Loupe installation (every table of its database and every stored blob)
// as one tar stream (lib/backup/format.ts). The tables are read in one read-only, repeatable-read
// transaction, so they agree with each other even while Loupe goes on serving; the blobs are copied
// after it, and a blob removed in between (a case deleted meanwhile) is listed as missing.
//
// The rows are spooled to files in the temp directory while the transaction is open and streamed into
// the archive only after it ends, so a slow reader (a download) never keeps the snapshot open: on
// PGlite that transaction holds the whole database (its one connection) while it lasts.
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { Writable } from "node:stream";
import { sql } from "drizzle-orm";
import type { DbHandle } from "../../db";
import type { BlobStore } from "../storage";
import {
  appliedMigrations,
  BackupError,
  BLOB_PREFIX,
  CHUNK_BYTES,
  CHUNK_ROWS,
  chunkName,
  END_NAME,
  FORMAT,
  FORMAT_VERSION,
  firstUnknownMigration,
  journal,
  loupeTables,
  loupeVersion,
  MANIFEST_NAME,
  quoteIdent,
  rowsOf,
  storedColumns,
  type EndRecord,
  type Manifest,
} from "./format";
import { TarWriter } from "./tar";

export interface WriteBackupOptions {
  handle: DbHandle;
  /** The blob store to copy; null leaves the blobs out (they are backed up some other way, a bucket's versioning say). */
  store: BlobStore | null;
  blobStoreKind: string;
  out: Writable;
  /** Progress lines for a person watching (the CLI prints them on stderr). */
  onProgress?: (line: string) => void;
}

export interface BackupSummary {
  tables: Record<string, number>;
  blobs: EndRecord["blobs"];
  migrations: string[];
}

const FETCH_ROWS = 500;

export async function writeBackup({ handle, store, blobStoreKind, out, onProgress = () => {} }: WriteBackupOptions): Promise<BackupSummary> {
  const tar = new TarWriter(out);
  const spool = await mkdtemp(path.join(os.tmpdir(), "loupe-backup-"));
  let tables: SpooledTables;
  try {
    tables = await spoolTables(handle, spool, { blobStoreKind, blobsIncluded: store !== null }, onProgress);
    await tar.addBuffer(MANIFEST_NAME, Buffer.from(`${JSON.stringify(tables.manifest, null, 2)}\n`));
    for (const c of tables.chunks) {
      await tar.addBuffer(c.name, await readFile(c.file));
      await rm(c.file);
    }
  } finally {
    await rm(spool, { recursive: true, force: true });
  }
  const { counts, manifest } = tables;

  const blobs: EndRecord["blobs"] = { count: 0, bytes: 0, missing: [] };
  if (store) {
    for await (const key of store.list()) {
      const blob = await store.getStream(key);
      if (!blob) {
        blobs.missing.push(key);
        continue;
      }
      await tar.addStream(`${BLOB_PREFIX}${key}`, blob.size, blob.stream);
      blobs.count++;
      blobs.bytes += blob.size;
      if (blobs.count % 1000 === 0) onProgress(`blobs: ${blobs.count} (${formatBytes(blobs.bytes)})`);
    }
    onProgress(`blobs: ${blobs.count} (${formatBytes(blobs.bytes)})${blobs.missing.length ? `, ${blobs.missing.length} removed while copying` : ""}`);
  }

  const end: EndRecord = { tables: counts, blobs, members: tar.entries.map((e) => ({ ...e })) };
  await tar.addBuffer(END_NAME, Buffer.from(`${JSON.stringify(end)}\n`));
  await tar.finish();
  return { tables: counts, blobs, migrations: manifest.migrations };
}

interface SpooledTables {
  manifest: Manifest;
  counts: Record<string, number>;
  /** Each table chunk's member name and the spool file holding it, in archive order. */
  chunks: { name: string; file: string }[];
}

/** Every Loupe table's rows, read in one snapshot into chunk files under `spool`. */
async function spoolTables(handle: DbHandle, spool: string, blobs: { blobStoreKind: string; blobsIncluded: boolean }, onProgress: (line: string) => void): Promise<SpooledTables> {
  const known = journal();
  return handle.db.transaction(
    async (tx) => {
      const migrations = await appliedMigrations(tx, known);
      const unknown = firstUnknownMigration(migrations, known);
      if (unknown !== undefined) {
        throw new BackupError("database_newer", `This database was written by a later version of Loupe (it has ${unknown}); back it up with that version.`);
      }
      const existing = new Set(rowsOf<{ name: string }>(await tx.execute(sql`select tablename as name from pg_tables where schemaname = 'public'`)).map((r) => r.name));
      const tables: Manifest["tables"] = [];
      for (const name of loupeTables()) if (existing.has(name)) tables.push({ name, columns: await storedColumns(tx, name) });
      const manifest: Manifest = {
        format: FORMAT,
        format_version: FORMAT_VERSION,
        created_at: new Date().toISOString(),
        loupe_version: loupeVersion(),
        source: { database: handle.kind, blob_store: blobs.blobStoreKind, blobs_included: blobs.blobsIncluded },
        migrations,
        tables,
      };
      const counts: Record<string, number> = {};
      const chunks: SpooledTables["chunks"] = [];
      for (const { name, columns } of tables) {
        const cols = columns.map(quoteIdent).join(", ");
        await tx.execute(sql.raw(`declare loupe_backup no scroll cursor for select row_to_json(r)::text as j from (select ${cols} from ${quoteIdent(name)}) r`));
        let rows = 0;
        let chunk: string[] = [];
        let chunkBytes = 0;
        let n = 0;
        const flush = async () => {
          if (!chunk.length) return;
          const file = path.join(spool, String(chunks.length));
          await writeFile(file, `${chunk.join("\n")}\n`);
          chunks.push({ name: chunkName(name, ++n), file });
          chunk = [];
          chunkBytes = 0;
        };
        for (;;) {
          const batch = rowsOf<{ j: string }>(await tx.execute(sql.raw(`fetch ${FETCH_ROWS} from loupe_backup`)));
          for (const { j } of batch) {
            chunk.push(j);
            chunkBytes += j.length;
            if (chunk.length >= CHUNK_ROWS || chunkBytes >= CHUNK_BYTES) await flush();
          }
          rows += batch.length;
          if (batch.length < FETCH_ROWS) break;
        }
        await flush();
        await tx.execute(sql`close loupe_backup`);
        counts[name] = rows;
        if (rows) onProgress(`${name}: ${rows} row${rows === 1 ? "" : "s"}`);
      }
      return { manifest, counts, chunks };
    },
    { isolationLevel: "repeatable read", accessMode: "read only" },
  );
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} kB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MB`;
  return `${(n / 1024 ** 3).toFixed(2)} GB`;
}
