import { paths } from "../env";
import type { BlobStore } from "./blob-store";
import { LocalBlobStore } from "./local-blob-store";

export type { BlobStore };

const g = globalThis as unknown as { __loupeBlobs?: BlobStore };

/** The configured store (one place picks the implementation from env). */
export function getBlobStore(): BlobStore {
  g.__loupeBlobs ??= new LocalBlobStore(paths.blobs);
  return g.__loupeBlobs;
}

export function setBlobStore(store: BlobStore | undefined): void {
  g.__loupeBlobs = store;
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
