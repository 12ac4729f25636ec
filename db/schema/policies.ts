import { boolean, integer, pgTable, text, timestamp } from "drizzle-orm/pg-core";
import { inconclusiveActionEnum } from "./enums";

export const policies = pgTable("policies", {
  id: text("id").primaryKey(),
  name: text("name").notNull().unique(),
  description: text("description").notNull().default(""),
  /** Detection score (0..100) at or above which a case is quarantined. */
  quarantineThreshold: integer("quarantine_threshold").notNull(),
  /**
   * Detection score (0..99) at or below which a case is cleared whatever its verdict; 0 turns the band
   * off. Always below quarantineThreshold (lib/policies/save-policy.ts): between the two, the verdict
   * and inconclusiveAction decide (lib/policies/apply-policy.ts).
   */
  autoClearThreshold: integer("auto_clear_threshold").notNull().default(0),
  /** What an `inconclusive` verdict below the threshold does. */
  inconclusiveAction: inconclusiveActionEnum("inconclusive_action").notNull().default("quarantine"),
  /** Sensitive content: the console shows this policy's images blurred until a moderator reveals them. */
  blurImages: boolean("blur_images").notNull().default(false),
  /**
   * Days a settled case (cleared, or reviewed) keeps its image; then the retention sweep removes the
   * image bytes and heatmaps and keeps the case (lib/cases/retention.ts). Null keeps images until the
   * case is deleted.
   */
  retentionDays: integer("retention_days"),
  isDefault: boolean("is_default").notNull().default(false),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});

export type Policy = typeof policies.$inferSelect;
