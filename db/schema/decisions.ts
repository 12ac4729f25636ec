import { index, pgTable, text, timestamp, type AnyPgColumn } from "drizzle-orm/pg-core";
import { cases } from "./cases";
import { caseStateEnum, decisionOutcomeEnum } from "./enums";
import { users } from "./users";

export const decisions = pgTable(
  "decisions",
  {
    id: text("id").primaryKey(),
    caseId: text("case_id").notNull().references(() => cases.id),
    reviewerId: text("reviewer_id").notNull().references(() => users.id),
    outcome: decisionOutcomeEnum("outcome").notNull(),
    note: text("note").notNull().default(""),
    /** The case's state before this decision moved it to `reviewed`: where an undo returns it. */
    previousState: caseStateEnum("previous_state"),
    /** The decision this one amends (lib/cases/amend-decision.ts); the superseded row is kept. */
    supersedesId: text("supersedes_id").references((): AnyPgColumn => decisions.id),
    /** Set when the reviewer undid the decision within the undo window (lib/cases/undo-decision.ts). */
    undoneAt: timestamp("undone_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  // The queue reads each case's latest decision: (case_id, created_at) finds it without a sort.
  (t) => [index("decisions_case_created_idx").on(t.caseId, t.createdAt)],
);

export type Decision = typeof decisions.$inferSelect;
