import { index, jsonb, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import type { DetectionReport } from "../../lib/detection";
import type { StoredSignal } from "./detections";

/** An engine report as cached: heatmap PNGs replaced by blob keys (or dropped when none were stored). */
export type CachedReport = Omit<DetectionReport, "signals"> & { signals: StoredSignal[] };

/**
 * Results of `POST /api/v1/detect` by content: the same bytes (sha256) under the same engine, model and
 * fusion versions with the same options give the same report, so it is answered from here. No image
 * bytes are kept: only the report, the hashes and, when heatmaps were asked for, their PNG blobs.
 * Requests with retention=none read this table but never write it. Entries nobody used for
 * LOUPE_DETECTION_CACHE_DAYS go (lib/detect/cache-eviction.ts).
 */
export const detectionCache = pgTable(
  "detection_cache",
  {
    /** A `det_…` id; heatmap blobs live under heatmaps/<id>/. */
    id: text("id").primaryKey(),
    sha256: text("sha256").notNull(),
    engineVersion: text("engine_version").notNull(),
    /** "" when the report ran without the learned detector (not asked for, or not installed). */
    modelVersion: text("model_version").notNull(),
    fusionVersion: text("fusion_version").notNull(),
    /** The options that change the report: the signal ids run and whether heatmaps were rendered. */
    optionsKey: text("options_key").notNull(),
    dhash: text("dhash").notNull(),
    report: jsonb("report").$type<CachedReport>().notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    /**
     * When a request last used the entry, to the day: a hit on an entry last used over a day ago
     * writes now() (lib/detect/detect-image.ts). Entries unused for LOUPE_DETECTION_CACHE_DAYS are
     * evicted with their heatmap PNGs (lib/detect/cache-eviction.ts).
     */
    lastUsedAt: timestamp("last_used_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("detection_cache_key_uq").on(t.sha256, t.engineVersion, t.modelVersion, t.fusionVersion, t.optionsKey),
    // The eviction sweep takes the longest unused first.
    index("detection_cache_last_used_idx").on(t.lastUsedAt),
  ],
);

export type DetectionCacheRow = typeof detectionCache.$inferSelect;
