// Everything a request with an API key needs from the database before its handler runs, in ONE
// statement (one round trip instead of four): the key is looked up by its secret's hash and checked
// (not revoked, not past its rotation grace period, owner not disabled), a token is taken from its
// lineage's bucket (the same refill rule and row lock as lib/api-keys/rate-limit.ts), the request is
// counted in today's usage (live keys, when the bucket let it through: lib/api-keys/usage.ts), and
// `last_used_at` is stamped (at most once a minute, so a busy key does not rewrite its row every
// request), and, for routes that decide by a policy, the key's policy is resolved (the same ranking as
// resolvePolicy: lib/policies/resolve-policy.ts), and, for routes that spend a known number of images,
// those images are charged to the monthly quota (chargeImages's rule, lib/api-keys/usage.ts, on the
// same usage row). Nothing is kept in process memory: a key revoked in any process is refused by the next
// request everywhere, and every process draws from the same bucket.
import { sql } from "drizzle-orm";
import type { DbOrTx } from "../../db";
import type { ApiKeyMode, ApiKeyScope, Role, UploadOrigin } from "../../db/schema/enums";
import { apiUsage } from "../../db/schema";
import type { Actor } from "../context";
import { bestPolicySql, readBestPolicy, type ResolvedPolicy } from "../policies/resolve-policy";
import { DEFAULT_MONTHLY_IMAGE_QUOTA, DEFAULT_RATE_LIMIT_PER_MINUTE } from "../limits";
import { hashApiKeySecret } from "./api-key-secret";
import { utcDay, utcMonthStart } from "./usage";
import { bucketVerdict, type RateLimitVerdict } from "./rate-limit";

/** What a request learns about the key it came with, beyond the actor. */
export interface ApiKeyInfo {
  id: string;
  /** Bucket, usage and quota are counted per lineage (the key and those it was rotated from). */
  lineageId: string;
  mode: ApiKeyMode;
  scopes: ApiKeyScope[];
  rateLimitPerMinute: number;
  monthlyImageQuota: number;
}

export type ApiKeyActor = Extract<Actor, { type: "api_key" }> & { key: ApiKeyInfo };

interface Row {
  id: string;
  lineage_id: string;
  mode: "live" | "test";
  scopes: ApiKeyScope[];
  rate_limit: number;
  monthly_image_quota: number | null;
  user_id: string;
  role: Role;
  tokens: number;
  allowed: boolean;
  policy?: unknown;
  policy_rank?: unknown;
  images_charged: number;
}

export interface AdmitOptions {
  /** Also resolve the policy that applies to this key's uploads from this origin. */
  policyOrigin?: UploadOrigin;
  /**
   * Charge this many images to the key's monthly quota in the same statement, when the key is live,
   * holds `scope`, the bucket let the request through, they fit, and today's usage row already exists
   * (it is locked before the check; a first request of the day is left to chargeImages, whose upsert
   * holds the quota against concurrent first inserts). Admitted.imagesCharged says whether it was done;
   * the caller gives back what it does not use (refundImages).
   */
  chargeImages?: { n: number; scope: ApiKeyScope };
}

/** What admitApiKey learns: the actor, the rate-limit verdict and, when asked, the key's policy for an origin. */
export interface Admitted {
  actor: ApiKeyActor;
  rateLimit: RateLimitVerdict;
  policy: (ResolvedPolicy & { origin: UploadOrigin }) | null;
  /** Images charged by this statement (AdmitOptions.chargeImages): n, or 0 when it did not charge. */
  imagesCharged: number;
  /** The UTC day whose usage row they were charged to. */
  day: string;
}

/** An API key's actor and its rate-limit verdict for this request, or null for a key that does not authenticate. */
export async function admitApiKey(db: DbOrTx, secret: string, opts: AdmitOptions = {}, now = new Date()): Promise<Admitted | null> {
  if (!/^lp_(live|test)_/.test(secret)) return null;
  const nowTs = sql`${now.toISOString()}::timestamptz`;
  // In the bucket's update, excluded.tokens + 1 is the key's limit (the insert offers limit - 1).
  const refilled = sql`least(excluded.tokens + 1, api_rate_limits.tokens + greatest(0::float8, extract(epoch from (${nowTs} - api_rate_limits.updated_at))::float8) * (excluded.tokens + 1) / 60)`;
  const policy = opts.policyOrigin ? bestPolicySql(sql`k.id`, opts.policyOrigin) : null;
  const day = utcDay(now);
  const n = opts.chargeImages?.n ?? 0;
  // The charge: today's row locked (so concurrent charges are checked one after another, each seeing
  // the last's count), then the month's images so far plus n against the quota. No row today: null, no
  // charge. Evaluated before `counted` writes the row, which reads it.
  const charge = n > 0
    ? sql`select (k.mode = 'live' and bucket.allowed and ${opts.chargeImages!.scope}::api_key_scope = any(k.scopes)
               and (select t.images from today t) + (select coalesce(sum(u.images), 0) from ${apiUsage} u where u.lineage_id = k.lineage_id and u.day >= ${utcMonthStart(now)}::date and u.day < ${day}::date) + ${n}::int
                   <= coalesce(k.monthly_image_quota, ${DEFAULT_MONTHLY_IMAGE_QUOTA}::int)) is true as ok from k, bucket`
    : sql`select false as ok`;
  const res = (await db.execute(sql`
    with k as (
      select k.id, coalesce(k.lineage_id, k.id) as lineage_id, k.mode, k.scopes,
             greatest(1, coalesce(k.rate_limit_per_minute, ${DEFAULT_RATE_LIMIT_PER_MINUTE}::int)) as rate_limit,
             k.monthly_image_quota, u.id as user_id, u.role
      from api_keys k join users u on u.id = k.user_id
      where k.secret_hash = ${hashApiKeySecret(secret)} and k.revoked_at is null
        and (k.expires_at is null or k.expires_at > ${nowTs}) and not u.disabled
    ),
    touched as (
      update api_keys set last_used_at = ${nowTs}
      where id in (select id from k) and (last_used_at is null or last_used_at < ${nowTs} - interval '60 seconds')
      returning 1
    ),
    bucket as (
      insert into api_rate_limits (lineage_id, tokens, updated_at, allowed)
      select lineage_id, rate_limit - 1, ${nowTs}, true from k
      on conflict (lineage_id) do update set
        tokens = case when ${refilled} >= 1 then ${refilled} - 1 else ${refilled} end,
        allowed = ${refilled} >= 1,
        updated_at = greatest(api_rate_limits.updated_at, ${nowTs})
      returning tokens, allowed
    ),
    ${n > 0 ? sql`today as (select u.images from ${apiUsage} u where u.lineage_id = (select lineage_id from k) and u.day = ${day}::date for update),` : sql``}
    charge as (${charge}),
    counted as (
      insert into api_usage (lineage_id, day, requests, images)
      select k.lineage_id, ${day}::date, 1, case when charge.ok then ${n}::int else 0 end from k, bucket, charge where k.mode = 'live' and bucket.allowed
      on conflict (lineage_id, day) do update set requests = api_usage.requests + 1, images = api_usage.images + excluded.images
      returning 1
    )
    select k.id, k.lineage_id, k.mode::text as mode, to_json(k.scopes) as scopes, k.rate_limit, k.monthly_image_quota, k.user_id, k.role::text as role,
           bucket.tokens, bucket.allowed, case when charge.ok then ${n}::int else 0 end as images_charged${policy ? sql`, pol.policy, pol.rank as policy_rank` : sql``}
    from k cross join bucket cross join charge${policy ? sql` left join lateral (${policy}) pol on true` : sql``}`)) as unknown;
  // postgres.js answers an array of rows, PGlite an object with `rows`.
  const rows = (Array.isArray(res) ? res : (res as { rows: unknown[] }).rows) as Row[];
  const row = rows[0];
  if (!row) return null;
  const limit = Number(row.rate_limit);
  const scopes = (typeof row.scopes === "string" ? JSON.parse(row.scopes) : row.scopes) as ApiKeyScope[];
  return {
    actor: {
      type: "api_key",
      id: row.id,
      userId: row.user_id,
      role: row.role,
      key: {
        id: row.id,
        lineageId: row.lineage_id,
        mode: row.mode,
        scopes,
        rateLimitPerMinute: limit,
        monthlyImageQuota: row.monthly_image_quota ?? DEFAULT_MONTHLY_IMAGE_QUOTA,
      },
    },
    rateLimit: bucketVerdict(limit, Number(row.tokens), row.allowed),
    policy: opts.policyOrigin ? { ...readBestPolicy({ policy: row.policy, rank: row.policy_rank }), origin: opts.policyOrigin } : null,
    imagesCharged: Number(row.images_charged),
    day,
  };
}
