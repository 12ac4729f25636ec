import { sql } from "drizzle-orm";
import { bigserial, index, pgTable, real, text, timestamp } from "drizzle-orm/pg-core";
import { caseStateEnum, verdictEnum } from "./enums";

/**
 * One row per case state change (creation included), written in the transaction that makes the
 * change (lib/live/publish-case-event.ts) and announced by NOTIFY on commit. The id is the event id
 * of the live stream (GET /api/v1/events): ids are handed out in commit order (an advisory lock held
 * from the insert to the commit), so a client reconnecting with Last-Event-ID N misses nothing by
 * asking for the rows after N. Rows are pruned after LIVE_EVENT_RETENTION_SECONDS.
 */
export const caseEvents = pgTable(
  "case_events",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    caseId: text("case_id").notNull(),
    state: caseStateEnum("state").notNull(),
    verdict: verdictEnum("verdict"),
    score: real("score"),
    /** Who may see the event: the case's submitter (editors see their own cases' events). */
    submitterId: text("submitter_id"),
    caseUpdatedAt: timestamp("case_updated_at", { withTimezone: true }).notNull(),
    /**
     * When the event was written, at the end of its transaction (clock_timestamp(), not the
     * transaction's start as now() would be): the commit follows within the same round trip.
     */
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().default(sql`clock_timestamp()`),
  },
  // Pruning deletes by age.
  (t) => [index("case_events_created_idx").on(t.createdAt)],
);

export type CaseEvent = typeof caseEvents.$inferSelect;
