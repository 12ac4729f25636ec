import { sql } from "drizzle-orm";
import { check, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { apiKeys } from "./api-keys";
import { uploadOriginEnum } from "./enums";
import { policies } from "./policies";

/**
 * Which policy applies to new cases from one origin or one API key (lib/policies/resolve-policy.ts):
 * a key's rule beats its origin's rule, which beats the default policy. Exactly one of `origin` and
 * `apiKeyId` is set, and each origin or key has at most one rule (the unique indexes).
 */
export const policyAssignments = pgTable(
  "policy_assignments",
  {
    id: text("id").primaryKey(),
    origin: uploadOriginEnum("origin"),
    apiKeyId: text("api_key_id").references(() => apiKeys.id),
    policyId: text("policy_id")
      .notNull()
      .references(() => policies.id),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("policy_assignments_origin_uq").on(t.origin),
    uniqueIndex("policy_assignments_api_key_uq").on(t.apiKeyId),
    check("policy_assignments_one_target", sql`(${t.origin} is null) <> (${t.apiKeyId} is null)`),
  ],
);

export type PolicyAssignment = typeof policyAssignments.$inferSelect;
