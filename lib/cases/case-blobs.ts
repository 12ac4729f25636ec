// What a case's pictures occupy in the blob store, and letting them go: shared by DELETE
// /api/v1/cases/{id} (lib/cases/delete-case.ts) and the retention sweep (lib/cases/retention.ts).
// Originals are content-addressed and shared by every case of the same bytes, so the original and its
// display and thumbnail derivatives go only when no other case still shows them (one neither deleted nor stripped of
// its image); the heatmaps belong to the case's own detections and always go.
import { and, count, eq, isNull, ne } from "drizzle-orm";
import type { DbOrTx } from "../../db";
import { cases, detections, type Image } from "../../db/schema";
import { displayKey, getBlobStore, thumbnailKey } from "../storage";

export interface CaseBlobs {
  image: Image;
  /** False when another case still uses the same bytes: they stay for it. */
  imageDeleted: boolean;
  heatmapKeys: string[];
}

/**
 * Call inside the transaction that marks the case, with the image's row locked `FOR UPDATE` first:
 * submitImage takes a key-share lock on that row before it writes the bytes, so a new case of the same
 * image either committed already (and is counted here) or writes the bytes again after this commits.
 */
export async function caseBlobs(tx: DbOrTx, caseId: string, image: Image): Promise<CaseBlobs> {
  const [others] = await tx
    .select({ n: count() })
    .from(cases)
    .where(and(eq(cases.imageId, image.id), ne(cases.id, caseId), isNull(cases.deletedAt), isNull(cases.imageRemovedAt)));
  const heatmapKeys = (await tx.select({ signals: detections.signals }).from(detections).where(eq(detections.caseId, caseId))).flatMap((d) =>
    d.signals.flatMap((s) => (s.heatmap ? [s.heatmap.key] : [])),
  );
  return { image, imageDeleted: Number(others?.n ?? 0) === 0, heatmapKeys };
}

/**
 * Deletes them: last, still inside the transaction, so the image row's lock keeps a new case of these
 * bytes from committing in between. Should the commit then fail, the case stays as it was, without
 * its pictures, and the caller can run again.
 */
export async function releaseCaseBlobs(blobs: CaseBlobs): Promise<void> {
  const store = getBlobStore();
  if (blobs.imageDeleted) {
    await store.delete(blobs.image.storageKey);
    await store.delete(displayKey(blobs.image.sha256));
    await store.delete(thumbnailKey(blobs.image.sha256));
  }
  for (const key of blobs.heatmapKeys) await store.delete(key);
}
