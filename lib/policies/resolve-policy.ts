// Which policy decides a new case (issue 13, "assignment per source or API key"). The most specific
// rule wins: a policy the caller names (the API's `policy` parameter), then the rule for the API key
// that uploads, then the rule for the upload's origin (upload page, API, quick check), then the
// default policy. Read-only; takes `db | tx` so submitImage resolves inside its transaction.
import { eq, or } from "drizzle-orm";
import type { DbOrTx } from "../../db";
import { policies, policyAssignments, type Policy, type UploadOrigin } from "../../db/schema";
import { AppError } from "../errors";

export type PolicyRule = "named" | "api_key" | "origin" | "default";

export interface ResolvePolicyInput {
  /** A policy name or id the caller gave explicitly. */
  nameOrId?: string;
  apiKeyId?: string | null;
  origin: UploadOrigin;
}

export async function resolvePolicy(db: DbOrTx, input: ResolvePolicyInput): Promise<{ policy: Policy; rule: PolicyRule }> {
  if (input.nameOrId) {
    const [policy] = await db.select().from(policies).where(or(eq(policies.name, input.nameOrId), eq(policies.id, input.nameOrId)));
    if (!policy) throw new AppError("invalid_request", `No policy named "${input.nameOrId}".`, { param: "policy" });
    return { policy, rule: "named" };
  }
  const matches = await db
    .select({ policy: policies, origin: policyAssignments.origin, apiKeyId: policyAssignments.apiKeyId })
    .from(policyAssignments)
    .innerJoin(policies, eq(policies.id, policyAssignments.policyId))
    .where(input.apiKeyId ? or(eq(policyAssignments.apiKeyId, input.apiKeyId), eq(policyAssignments.origin, input.origin)) : eq(policyAssignments.origin, input.origin));
  const byKey = input.apiKeyId ? matches.find((m) => m.apiKeyId === input.apiKeyId) : undefined;
  if (byKey) return { policy: byKey.policy, rule: "api_key" };
  const byOrigin = matches.find((m) => m.origin === input.origin);
  if (byOrigin) return { policy: byOrigin.policy, rule: "origin" };
  const [policy] = await db.select().from(policies).where(eq(policies.isDefault, true));
  if (!policy) throw new AppError("invalid_request", "No default policy.", { param: "policy" });
  return { policy, rule: "default" };
}
