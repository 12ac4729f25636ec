// Reads of a case's pictures for the image and heatmap routes: the original (for download), the
// display image (upright, in a format every browser shows), the queue's thumbnail and a signal's heatmap.
import { and, desc, eq, isNull } from "drizzle-orm";
import type { DbOrTx } from "../../db";
import { cases, detections, images, type Image } from "../../db/schema";
import { needsDisplayDerivative, renderDisplayImage, renderThumbnail } from "../detection";
import { AppError } from "../errors";
import { displayKey, getBlobStore, thumbnailKey } from "../storage";

export interface Media {
  bytes: Buffer;
  mime: string;
}

async function caseImage(db: DbOrTx, caseId: string): Promise<Image> {
  const [row] = await db
    .select({ image: images, imageRemovedAt: cases.imageRemovedAt })
    .from(cases)
    .innerJoin(images, eq(images.id, cases.imageId))
    .where(and(eq(cases.id, caseId), isNull(cases.deletedAt)));
  if (!row) throw new AppError("not_found", "Case not found.");
  if (row.imageRemovedAt) throw new AppError("image_removed", `The image was removed on ${row.imageRemovedAt.toISOString()} by its policy's retention; the case and its results remain.`);
  return row.image;
}

async function original(image: Image): Promise<Buffer> {
  const bytes = await getBlobStore().get(image.storageKey);
  if (!bytes) throw new AppError("not_found", "The original is missing from storage.");
  return bytes;
}

/** The bytes as submitted. */
export async function getCaseOriginal(db: DbOrTx, caseId: string): Promise<Media> {
  const image = await caseImage(db, caseId);
  return { bytes: await original(image), mime: image.mime };
}

/**
 * A WebP made from the original by `render`, kept under `key` (content-addressed, shared by the cases
 * of the same bytes, removed with the original: lib/cases/case-blobs.ts) and read from there next time.
 */
async function derivative(image: Image, key: string, render: typeof renderThumbnail): Promise<Media> {
  const store = getBlobStore();
  const cached = await store.get(key);
  if (cached) return { bytes: cached, mime: "image/webp" };
  const rendered = await render(await original(image));
  if (!rendered.ok) throw new AppError(rendered.error.code, rendered.error.message);
  await store.put(key, rendered.value.webp);
  return { bytes: rendered.value.webp, mime: "image/webp" };
}

/**
 * What the case page shows: the original when a browser renders it upright, otherwise a WebP made
 * from the engine's decode, turned upright.
 */
export async function getCaseDisplayImage(db: DbOrTx, caseId: string): Promise<Media> {
  const image = await caseImage(db, caseId);
  if (!needsDisplayDerivative(image.format, image.orientation)) return { bytes: await original(image), mime: image.mime };
  return derivative(image, displayKey(image.sha256), renderDisplayImage);
}

/** What the queue shows in a row: a small upright WebP (lib/detection/display.ts). */
export async function getCaseThumbnail(db: DbOrTx, caseId: string): Promise<Media> {
  const image = await caseImage(db, caseId);
  return derivative(image, thumbnailKey(image.sha256), renderThumbnail);
}

/** A signal's heatmap from one detection of the case (its latest when `detectionId` is omitted). */
export async function getCaseHeatmap(db: DbOrTx, caseId: string, signalId: string, detectionId?: string): Promise<Media> {
  await caseImage(db, caseId); // 404 for an unknown or deleted case, 410 once its image was removed
  const where = detectionId ? and(eq(detections.caseId, caseId), eq(detections.id, detectionId)) : eq(detections.caseId, caseId);
  const [det] = await db.select({ signals: detections.signals }).from(detections).where(where).orderBy(desc(detections.createdAt)).limit(1);
  const ref = det?.signals.find((s) => s.id === signalId)?.heatmap;
  if (!ref) throw new AppError("not_found", "No heatmap for that signal.");
  const png = await getBlobStore().get(ref.key);
  if (!png) throw new AppError("not_found", "The heatmap is missing from storage.");
  return { bytes: png, mime: "image/png" };
}
