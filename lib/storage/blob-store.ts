// Blob storage behind a small interface: local files (lib/storage/local-blob-store.ts) or an
// S3-compatible bucket (lib/storage/s3-blob-store.ts), picked from env by lib/storage/index.ts. Keys are
// opaque strings chosen by lib/storage/index.ts (originals and display images are content-addressed by
// sha256); both stores accept the same keys and behave the same (lib/storage/blob-store.test.ts runs one
// suite against each).
import type { Readable } from "node:stream";

/** A stored blob opened for reading: its bytes as a stream, and their count. */
export interface BlobStream {
  stream: Readable;
  size: number;
}

export interface BlobStore {
  /**
   * Store bytes under `key`, replacing what was there; atomic (a reader sees the old or the new bytes,
   * never part). A stream is written through without being held in memory whole; when it fails, nothing
   * is stored under `key` and the promise rejects.
   */
  put(key: string, body: Buffer | Readable): Promise<void>;
  /** The bytes under `key`, or null when there are none. */
  get(key: string): Promise<Buffer | null>;
  /** The bytes under `key` as a stream, or null when there are none. The caller must consume or destroy it. */
  getStream(key: string): Promise<BlobStream | null>;
  exists(key: string): Promise<boolean>;
  /** Remove `key`; no error when it does not exist. */
  delete(key: string): Promise<void>;
  /**
   * Every stored key that starts with `prefix` (all keys when empty), in no particular order; a blob
   * written or removed while listing may or may not be seen. Backups (lib/backup/) walk the store with it.
   */
  list(prefix?: string): AsyncIterable<string>;
}

const KEY_RE = /^[a-z0-9][a-z0-9/_.-]{0,200}$/;

/** Keys are produced by our code, but every store refuses anything that could escape its root or prefix. */
export function assertBlobKey(key: string): void {
  if (!KEY_RE.test(key) || key.includes("..") || key.includes("//") || key.endsWith("/")) throw new Error(`invalid blob key: ${key}`);
}
