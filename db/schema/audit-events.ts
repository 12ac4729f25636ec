import { index, jsonb, pgTable, text, timestamp } from "drizzle-orm/pg-core";

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
    data: jsonb("data").notNull().default({}),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  // The case page shows a case's history in order.
  (t) => [index("audit_case_idx").on(t.caseId, t.createdAt)],
);

export type AuditEvent = typeof auditEvents.$inferSelect;
