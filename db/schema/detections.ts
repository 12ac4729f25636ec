import { index, integer, jsonb, pgTable, real, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import type { Attribution, DetectionReport, SignalResult } from "../../lib/detection";
import { cases } from "./cases";
import { inconclusiveActionEnum, verdictEnum } from "./enums";
import type { ListMatch } from "./image-lists";
import { images } from "./images";

/** A signal's result as stored: the heatmap PNG lives in the blob store, the row keeps its key. */
export type StoredSignal = Omit<SignalResult, "heatmap"> & { heatmap?: { key: string; label: string } };

/** The policy that turned this detection into the case's state, as it was at scan time. */
export interface PolicySnapshot {
  id: string;
  name: string;
  quarantineThreshold: number;
  /** Absent on snapshots taken before policies had an auto-clear band (read as 0, off). */
  autoClearThreshold?: number;
  inconclusiveAction: (typeof inconclusiveActionEnum.enumValues)[number];
  outcome: "quarantined" | "cleared";
  /** The image list that decided the outcome instead of the thresholds, when one matched (lib/lists/). */
  list?: Pick<ListMatch, "listId" | "listName" | "action" | "match" | "distance">;
}

/** The engine's timings, with what it measured of the image (format, size, analysed size). */
export type DetectionTimings = DetectionReport["timings"] & { image?: DetectionReport["image"] };

export const detections = pgTable(
  "detections",
  {
    id: text("id").primaryKey(),
    caseId: text("case_id").notNull().references(() => cases.id),
    imageId: text("image_id").notNull().references(() => images.id),
    /**
     * Which scan of the case (1 for the first, +1 per rescan) and which attempt within it produced this
     * row. Unique together, so a stale worker cannot add a second row for one attempt, while every
     * rescan adds to the case's detection history.
     */
    scan: integer("scan").notNull().default(1),
    attempt: integer("attempt").notNull(),
    verdict: verdictEnum("verdict").notNull(),
    score: real("score").notNull(),
    confidence: real("confidence").notNull(),
    uncertainty: real("uncertainty").notNull(),
    engineVersion: text("engine_version").notNull(),
    modelVersion: text("model_version"),
    fusionVersion: text("fusion_version").notNull(),
    /** Per-signal results (heatmaps replaced by blob keys). */
    signals: jsonb("signals").$type<StoredSignal[]>().notNull(),
    reasons: jsonb("reasons").$type<string[]>().notNull(),
    attribution: jsonb("attribution").$type<Attribution>().notNull(),
    timings: jsonb("timings").$type<DetectionTimings>().notNull(),
    /** Null on rows written before policies were recorded with the detection. */
    policy: jsonb("policy").$type<PolicySnapshot>(),
    /** The image lists this image matched at scan time; null on rows written before lists existed. */
    listMatches: jsonb("list_matches").$type<ListMatch[]>(),
    workerId: text("worker_id").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("detections_case_scan_attempt_uq").on(t.caseId, t.scan, t.attempt),
    index("detections_case_idx").on(t.caseId, t.createdAt),
  ],
);

export type Detection = typeof detections.$inferSelect;
