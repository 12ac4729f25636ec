import { env, paths, type Env } from "../env";
import type { BlobStore, BlobStream } from "./blob-store";
import { LocalBlobStore } from "./local-blob-store";
import { S3BlobStore } from "./s3-blob-store";

export type { BlobStore, BlobStream };

const g = globalThis as unknown as { __loupeBlobs?: BlobStore };

/**
 * The store an environment selects (BLOB_STORE); lib/env.ts has already checked that the S3 settings are
 * complete. `localRoot` is the directory of the local store (BLOB_DIR, resolved by lib/env.ts).
 */
export function createBlobStore(e: Env, localRoot: string = paths.blobs): BlobStore {
  if (e.BLOB_STORE === "s3") {
    return new S3BlobStore({
      bucket: e.S3_BUCKET!,
      region: e.S3_REGION!,
      endpoint: e.S3_ENDPOINT,
      forcePathStyle: e.S3_FORCE_PATH_STYLE,
      accessKeyId: e.S3_ACCESS_KEY_ID,
      secretAccessKey: e.S3_SECRET_ACCESS_KEY,
      prefix: e.S3_PREFIX,
    });
  }
  return new LocalBlobStore(localRoot);
}

/** The configured store (one place picks the implementation from env). */
export function getBlobStore(): BlobStore {
  g.__loupeBlobs ??= createBlobStore(env);
  return g.__loupeBlobs;
}

export function setBlobStore(store: BlobStore | undefined): void {
  g.__loupeBlobs = store;
}

/** The queue's small upright WebP of an original (lib/cases/case-media.ts). */
export function thumbnailKey(sha256: string): string {
  return `thumbnails/${sha256.slice(0, 2)}/${sha256}.webp`;
}

/** Content address of an original image: `images/ab/cd/<sha256>`. */
export function imageKey(sha256: string): string {
  return `images/${sha256.slice(0, 2)}/${sha256.slice(2, 4)}/${sha256}`;
}

/** The upright WebP shown for an original that browsers cannot display as stored. */
export function displayKey(sha256: string): string {
  return `display/${sha256.slice(0, 2)}/${sha256}.webp`;
}

export function heatmapKey(detectionId: string, signalId: string): string {
  return `heatmaps/${detectionId}/${signalId}.png`;
}
