import { index, pgTable, text, timestamp } from "drizzle-orm/pg-core";
import { cases } from "./cases";
import { users } from "./users";

/**
 * A note on a case: what a reviewer or the submitter's team wants the next person to know ("the
 * photographer sent the raw file", "same campaign as case_…"), before or after a decision. Notes are
 * a record: never edited, never deleted (lib/cases/case-notes.ts).
 */
export const caseNotes = pgTable(
  "case_notes",
  {
    id: text("id").primaryKey(),
    caseId: text("case_id")
      .notNull()
      .references(() => cases.id),
    /** The user who wrote it (an API key's owner); null for the operator's system actor. */
    authorId: text("author_id").references(() => users.id),
    /** Set when it was written with an API key: that key's id. */
    apiKeyId: text("api_key_id"),
    body: text("body").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  // The case page reads a case's notes in order.
  (t) => [index("case_notes_case_created_idx").on(t.caseId, t.createdAt)],
);

export type CaseNote = typeof caseNotes.$inferSelect;
