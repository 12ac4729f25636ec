// Blob storage behind a small interface: local files today (lib/storage/local-blob-store.ts); another
// store only has to implement these four methods. Keys are opaque strings chosen by lib/storage/index.ts
// (originals are content-addressed by sha256).
export interface BlobStore {
  /** Store bytes under `key`, replacing what was there; atomic (a reader sees the old or the new bytes, never part). */
  put(key: string, bytes: Buffer): Promise<void>;
  /** The bytes under `key`, or null when there are none. */
  get(key: string): Promise<Buffer | null>;
  exists(key: string): Promise<boolean>;
  /** Remove `key`; no error when it does not exist. */
  delete(key: string): Promise<void>;
}
