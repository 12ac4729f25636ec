// Which policy decides a new case (issue 13, "assignment per source or API key"). The most specific
// rule wins: a policy the caller names (the API's `policy` parameter), then the rule for the API key
// that uploads, then the rule for the upload's origin (upload page, API, quick check), then the
// default policy. Read-only; takes `db | tx` so submitImage resolves inside its transaction.
//
// The ranking is one SQL fragment (bestPolicySql) so that admitApiKey can resolve a key's policy in
// the same statement that admits the key (lib/api-keys/admit-api-key.ts): the API's hot path then
// makes one round trip instead of two.
import { eq, getTableColumns, or, sql, type SQL } from "drizzle-orm";
import type { DbOrTx } from "../../db";
import { policies, type Policy, type UploadOrigin } from "../../db/schema";
import { AppError } from "../errors";

export type PolicyRule = "named" | "api_key" | "origin" | "default";

const RULES: readonly PolicyRule[] = ["api_key", "origin", "default"];

export interface ResolvePolicyInput {
  /** A policy name or id the caller gave explicitly. */
  nameOrId?: string;
  apiKeyId?: string | null;
  origin: UploadOrigin;
}

export interface ResolvedPolicy {
  policy: Policy;
  rule: PolicyRule;
}

const columns = Object.entries(getTableColumns(policies));

/** Policy `p` as one JSON object with the schema's property names (keys come from the schema, not from input). */
const policyJson = sql.raw(`json_build_object(${columns.map(([prop, col]) => `'${prop}', p."${col.name}"`).join(", ")})`);

/**
 * `select policy, rank … limit 1`: the policy the key's rule, the origin's rule or the default points
 * at, best first (rank 0, 1, 2). `apiKeyId` is SQL so that a statement can pass a column it has just
 * looked up; null for a caller without a key.
 */
export function bestPolicySql(apiKeyId: SQL | null, origin: UploadOrigin): SQL {
  const key = apiKeyId ?? sql`null::text`;
  return sql`select ${policyJson} as policy,
      case when a.api_key_id = ${key} then 0 when a.origin = ${origin} then 1 else 2 end as rank
    from policies p
    left join policy_assignments a on a.policy_id = p.id and (a.api_key_id = ${key} or a.origin = ${origin})
    where a.id is not null or p.is_default
    order by rank limit 1`;
}

/** A row of bestPolicySql (JSON as an object, or as text where the driver leaves it so) as a policy and its rule. */
export function readBestPolicy(row: { policy: unknown; rank: unknown } | undefined): ResolvedPolicy {
  if (!row?.policy) throw new AppError("invalid_request", "No default policy.", { param: "policy" });
  const json = (typeof row.policy === "string" ? JSON.parse(row.policy) : row.policy) as Record<string, unknown>;
  const policy = { ...json, createdAt: new Date(json.createdAt as string), updatedAt: new Date(json.updatedAt as string) } as Policy;
  return { policy, rule: RULES[Number(row.rank)]! };
}

export async function resolvePolicy(db: DbOrTx, input: ResolvePolicyInput): Promise<ResolvedPolicy> {
  if (input.nameOrId) {
    const [policy] = await db.select().from(policies).where(or(eq(policies.name, input.nameOrId), eq(policies.id, input.nameOrId)));
    if (!policy) throw new AppError("invalid_request", `No policy named "${input.nameOrId}".`, { param: "policy" });
    return { policy, rule: "named" };
  }
  const res = (await db.execute(bestPolicySql(input.apiKeyId ? sql`${input.apiKeyId}` : null, input.origin))) as unknown;
  // postgres.js answers an array of rows, PGlite an object with `rows`.
  const rows = (Array.isArray(res) ? res : (res as { rows: unknown[] }).rows) as { policy: unknown; rank: unknown }[];
  return readBestPolicy(rows[0]);
}
