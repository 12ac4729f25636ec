import { index, integer, jsonb, pgTable, real, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { cases } from "./cases";
import { verdictEnum } from "./enums";
import { images } from "./images";

export const detections = pgTable(
  "detections",
  {
    id: text("id").primaryKey(),
    caseId: text("case_id").notNull().references(() => cases.id),
    imageId: text("image_id").notNull().references(() => images.id),
    /** The case attempt that produced this row; unique per case so a stale worker cannot add a second row. */
    attempt: integer("attempt").notNull(),
    verdict: verdictEnum("verdict").notNull(),
    score: real("score").notNull(),
    confidence: real("confidence").notNull(),
    uncertainty: real("uncertainty").notNull(),
    engineVersion: text("engine_version").notNull(),
    modelVersion: text("model_version"),
    fusionVersion: text("fusion_version").notNull(),
    /** Per-signal results (heatmaps replaced by blob keys). */
    signals: jsonb("signals").notNull(),
    reasons: jsonb("reasons").notNull(),
    attribution: jsonb("attribution").notNull(),
    timings: jsonb("timings").notNull(),
    workerId: text("worker_id").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("detections_case_attempt_uq").on(t.caseId, t.attempt),
    index("detections_case_idx").on(t.caseId, t.createdAt),
  ],
);

export type Detection = typeof detections.$inferSelect;
