// Blob storage behind a small interface: content-addressed local files now; an S3-compatible store
// can implement the same four methods later (keys are opaque strings).
export interface BlobStore {
  /** Store bytes; returns the key. Idempotent for the same key. */
  put(key: string, bytes: Buffer): Promise<void>;
  get(key: string): Promise<Buffer | null>;
  exists(key: string): Promise<boolean>;
  delete(key: string): Promise<void>;
}
