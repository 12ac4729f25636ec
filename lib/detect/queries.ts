// Read helpers for cached detections.
import { eq } from "drizzle-orm";
import type { DbOrTx } from "../../db";
import { detectionCache } from "../../db/schema";
import type { Media } from "../cases/case-media";
import { AppError } from "../errors";
import { getBlobStore } from "../storage";

/** A cached detection's heatmap PNG (the URLs `include_heatmaps=urls` hands out). */
export async function getDetectionHeatmap(db: DbOrTx, detectionId: string, signalId: string): Promise<Media> {
  const [row] = await db.select().from(detectionCache).where(eq(detectionCache.id, detectionId));
  const ref = row?.report.signals.find((s) => s.id === signalId)?.heatmap;
  const bytes = ref ? await getBlobStore().get(ref.key) : null;
  if (!bytes) throw new AppError("not_found", "No such heatmap.");
  return { bytes, mime: "image/png" };
}
