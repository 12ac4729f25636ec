import { index, integer, jsonb, pgTable, text, timestamp } from "drizzle-orm/pg-core";
import { apiKeys } from "./api-keys";
import { cases } from "./cases";

/**
 * An async detection job (POST /api/v1/detect/async): a case scanned by the ordinary worker, plus
 * what the caller sent with it. The job has no state of its own: its status derives from the case
 * and the detection of `scan` (lib/jobs/queries.ts), so the worker's one queue serves both.
 */
export const jobs = pgTable(
  "jobs",
  {
    id: text("id").primaryKey(),
    caseId: text("case_id").notNull().references(() => cases.id),
    /** The case's scan number when the job was made; a later rescan of the case is not this job. */
    scan: integer("scan").notNull().default(1),
    apiKeyId: text("api_key_id").references(() => apiKeys.id),
    /** Caller data echoed back (≤ MAX_JOB_METADATA_BYTES as JSON). */
    metadata: jsonb("metadata").$type<Record<string, unknown>>(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  // Scan completion looks up the job of a case.
  (t) => [index("jobs_case_idx").on(t.caseId)],
);

export type Job = typeof jobs.$inferSelect;
