// Read helpers for policy pages. They take `db | tx` explicitly.
import { asc, eq } from "drizzle-orm";
import type { DbOrTx } from "../../db";
import { apiKeys, policies, policyAssignments } from "../../db/schema";

export function listPolicies(db: DbOrTx) {
  return db.select().from(policies).orderBy(asc(policies.createdAt));
}

/** Every assignment rule with its target's label, for the policy editor. */
export function listPolicyAssignments(db: DbOrTx) {
  return db
    .select({ id: policyAssignments.id, origin: policyAssignments.origin, apiKeyId: policyAssignments.apiKeyId, apiKeyName: apiKeys.name, policyId: policyAssignments.policyId })
    .from(policyAssignments)
    .leftJoin(apiKeys, eq(apiKeys.id, policyAssignments.apiKeyId))
    .orderBy(asc(policyAssignments.createdAt));
}

/** API keys an admin can assign a policy to (revoked and expired ones included: they are listed by name). */
export function listAssignableApiKeys(db: DbOrTx) {
  return db.select({ id: apiKeys.id, name: apiKeys.name, prefix: apiKeys.prefix }).from(apiKeys).orderBy(asc(apiKeys.createdAt));
}
