import { index, pgTable, text, timestamp } from "drizzle-orm/pg-core";
import { cases } from "./cases";
import { decisionOutcomeEnum } from "./enums";
import { users } from "./users";

export const decisions = pgTable(
  "decisions",
  {
    id: text("id").primaryKey(),
    caseId: text("case_id").notNull().references(() => cases.id),
    reviewerId: text("reviewer_id").notNull().references(() => users.id),
    outcome: decisionOutcomeEnum("outcome").notNull(),
    note: text("note").notNull().default(""),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  // The queue reads each case's latest decision: (case_id, created_at) finds it without a sort.
  (t) => [index("decisions_case_created_idx").on(t.caseId, t.createdAt)],
);

export type Decision = typeof decisions.$inferSelect;
