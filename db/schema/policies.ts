import { boolean, integer, pgTable, text, timestamp } from "drizzle-orm/pg-core";
import { inconclusiveActionEnum } from "./enums";

export const policies = pgTable("policies", {
  id: text("id").primaryKey(),
  name: text("name").notNull().unique(),
  description: text("description").notNull().default(""),
  /** Detection score (0..100) at or above which a case is quarantined. */
  quarantineThreshold: integer("quarantine_threshold").notNull(),
  /** What an `inconclusive` verdict below the threshold does. */
  inconclusiveAction: inconclusiveActionEnum("inconclusive_action").notNull().default("quarantine"),
  isDefault: boolean("is_default").notNull().default(false),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});

export type Policy = typeof policies.$inferSelect;
