// Which policy decides a new case (issue 13, "assignment per source or API key"). The most specific
// rule wins: a policy the caller names (the API's `policy` parameter), then the rule for the API key
// that uploads, then the rule for the upload's origin (upload page, API, quick check), then the
// default policy. Read-only; takes `db | tx` so submitImage resolves inside its transaction.
import { and, eq, isNotNull, or, sql } from "drizzle-orm";
import type { DbOrTx } from "../../db";
import { policies, policyAssignments, type Policy, type UploadOrigin } from "../../db/schema";
import { AppError } from "../errors";

export type PolicyRule = "named" | "api_key" | "origin" | "default";

const RULES: readonly PolicyRule[] = ["api_key", "origin", "default"];

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
  // One statement: the policies the key's rule, the origin's rule and the default point at, best first.
  const rank = input.apiKeyId
    ? sql<number>`case when ${policyAssignments.apiKeyId} = ${input.apiKeyId} then 0 when ${policyAssignments.origin} = ${input.origin} then 1 else 2 end`
    : sql<number>`case when ${policyAssignments.origin} = ${input.origin} then 1 else 2 end`;
  const [best] = await db
    .select({ policy: policies, rank })
    .from(policies)
    .leftJoin(
      policyAssignments,
      and(
        eq(policyAssignments.policyId, policies.id),
        input.apiKeyId ? or(eq(policyAssignments.apiKeyId, input.apiKeyId), eq(policyAssignments.origin, input.origin)) : eq(policyAssignments.origin, input.origin),
      ),
    )
    .where(or(isNotNull(policyAssignments.id), eq(policies.isDefault, true)))
    .orderBy(rank)
    .limit(1);
  if (!best) throw new AppError("invalid_request", "No default policy.", { param: "policy" });
  return { policy: best.policy, rule: RULES[Number(best.rank)]! };
}
