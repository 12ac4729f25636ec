// A backup written to a file (`loupe backup --out`, the backup schedule): under `<file>.partial`,
// owner-only (it holds password hashes and webhook signing secrets), gzipped when the name ends in .gz
// or .tgz, and renamed to `<file>` only once complete, so a failed or cut backup never leaves a file
// that looks whole.
import { createWriteStream } from "node:fs";
import { rename, rm, stat } from "node:fs/promises";
import { finished, pipeline } from "node:stream/promises";
import { createGzip } from "node:zlib";
import type { DbHandle } from "../../db";
import type { BlobStore } from "../storage";
import { writeBackup, type BackupSummary } from "./write-backup";

export interface BackupFileOptions {
  handle: DbHandle;
  store: BlobStore | null;
  blobStoreKind: string;
  file: string;
  onProgress?: (line: string) => void;
}

export const PARTIAL_SUFFIX = ".partial";

export const isGzipName = (file: string) => /\.(gz|tgz)$/.test(file);

/** Writes the backup and returns its summary and the file's size. */
export async function writeBackupFile({ handle, store, blobStoreKind, file, onProgress }: BackupFileOptions): Promise<BackupSummary & { bytes: number }> {
  const partial = `${file}${PARTIAL_SUFFIX}`;
  const sink = createWriteStream(partial, { mode: 0o600 });
  const gzip = isGzipName(file) ? createGzip() : null;
  // A full disk fails the file, which fails the gzip stream the backup writes to (pipeline).
  const written = gzip ? pipeline(gzip, sink) : finished(sink);
  written.catch(() => {}); // awaited below, or the backup's own error is the one to report
  try {
    const summary = await writeBackup({ handle, store, blobStoreKind, out: gzip ?? sink, onProgress });
    (gzip ?? sink).end();
    await written;
    await rename(partial, file);
    return { ...summary, bytes: (await stat(file)).size };
  } catch (err) {
    gzip?.destroy();
    sink.destroy();
    await rm(partial, { force: true });
    throw err;
  }
}
