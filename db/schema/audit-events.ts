import { index, jsonb, pgTable, text, timestamp } from "drizzle-orm/pg-core";

/** What an event records; a state change (`case.transition`) always has from, to and reason. */
export type AuditData = Record<string, unknown> & { from?: string; to?: string; reason?: string };

export const auditEvents = pgTable(
  "audit_events",
  {
    id: text("id").primaryKey(),
    actorType: text("actor_type").notNull(), // user | api_key | worker | system
    actorId: text("actor_id"),
    action: text("action").notNull(), // e.g. case.transition, user.create
    caseId: text("case_id"),
    targetType: text("target_type"),
    targetId: text("target_id"),
    data: jsonb("data").$type<AuditData>().notNull().default({}),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  // The case page shows a case's history in order; the audit log page lists everything newest first.
  (t) => [index("audit_case_idx").on(t.caseId, t.createdAt), index("audit_created_idx").on(t.createdAt, t.id)],
);

export type AuditEvent = typeof auditEvents.$inferSelect;
