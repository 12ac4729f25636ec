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
// request everywhere, and every process draws from the same bucket. The statement can admit several
// requests of the same key at once (admitApiKeys, gathered by ./admit-queue.ts): the bucket grants as
// many as it holds tokens for, and those are counted and charged as if they had come one by one.
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
  /** Requests the bucket let through. */
  granted: number;
  policy?: unknown;
  policy_rank?: unknown;
  /** Granted requests whose images were charged. */
  charged: number;
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
  return (await admitApiKeys(db, secret, opts, 1, now))?.[0] ?? null;
}

/**
 * `count` requests with the same key and options admitted in one statement, as if they had come one
 * after another: the bucket lets through as many as it holds tokens for (the first ones), those are
 * counted, and as many of those as fit the quota are charged. One answer per request, in order, or
 * null when the key does not authenticate. lib/api-keys/admit-queue.ts gathers the requests.
 */
export async function admitApiKeys(db: DbOrTx, secret: string, opts: AdmitOptions, count: number, now = new Date()): Promise<Admitted[] | null> {
  if (!/^lp_(live|test)_/.test(secret)) return null;
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`admitApiKeys: count must be a positive integer, not ${count}`);
  const nowTs = sql`${now.toISOString()}::timestamptz`;
  const c = sql`${count}::int`;
  // In the bucket's update, excluded.tokens + excluded.granted is the key's limit (the insert offers a
  // full bucket less what it grants).
  const limit = sql`(excluded.tokens + excluded.granted)`;
  const refilled = sql`least(${limit}, api_rate_limits.tokens + greatest(0::float8, extract(epoch from (${nowTs} - api_rate_limits.updated_at))::float8) * ${limit} / 60)`;
  const granted = sql`least(${c}, floor(${refilled}))::int`;
  const policy = opts.policyOrigin ? bestPolicySql(sql`k.id`, opts.policyOrigin) : null;
  const day = utcDay(now);
  const n = opts.chargeImages?.n ?? 0;
  // The charge: today's row locked (so concurrent charges are checked one after another, each seeing
  // the last's count), then as many of the granted requests' n images as fit the quota beside the
  // month's images so far. No row today: null, no charge. Evaluated before `counted` writes the row,
  // which reads it.
  const charge = n > 0
    ? sql`select case when k.mode = 'live' and ${opts.chargeImages!.scope}::api_key_scope = any(k.scopes) and exists (select 1 from today)
               then coalesce(greatest(0, least(bucket.granted,
                 floor((coalesce(k.monthly_image_quota, ${DEFAULT_MONTHLY_IMAGE_QUOTA}::int)
                        - (select t.images from today t)
                        - (select coalesce(sum(u.images), 0) from ${apiUsage} u where u.lineage_id = k.lineage_id and u.day >= ${utcMonthStart(now)}::date and u.day < ${day}::date))
                       / ${n}::numeric)))::int, 0)
               else 0 end as charged from k, bucket`
    : sql`select 0 as charged`;
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
      insert into api_rate_limits (lineage_id, tokens, updated_at, allowed, granted)
      select lineage_id, rate_limit - least(${c}, rate_limit), ${nowTs}, true, least(${c}, rate_limit) from k
      on conflict (lineage_id) do update set
        tokens = ${refilled} - ${granted},
        granted = ${granted},
        allowed = ${granted} >= 1,
        updated_at = greatest(api_rate_limits.updated_at, ${nowTs})
      returning tokens, granted
    ),
    ${n > 0 ? sql`today as (select u.images from ${apiUsage} u where u.lineage_id = (select lineage_id from k) and u.day = ${day}::date for update),` : sql``}
    charge as (${charge}),
    counted as (
      insert into api_usage (lineage_id, day, requests, images)
      select k.lineage_id, ${day}::date, bucket.granted, charge.charged * ${n}::int from k, bucket, charge where k.mode = 'live' and bucket.granted > 0
      on conflict (lineage_id, day) do update set requests = api_usage.requests + excluded.requests, images = api_usage.images + excluded.images
      returning 1
    )
    select k.id, k.lineage_id, k.mode::text as mode, to_json(k.scopes) as scopes, k.rate_limit, k.monthly_image_quota, k.user_id, k.role::text as role,
           bucket.tokens, bucket.granted, charge.charged${policy ? sql`, pol.policy, pol.rank as policy_rank` : sql``}
    from k cross join bucket cross join charge${policy ? sql` left join lateral (${policy}) pol on true` : sql``}`)) as unknown;
  // postgres.js answers an array of rows, PGlite an object with `rows`.
  const rows = (Array.isArray(res) ? res : (res as { rows: unknown[] }).rows) as Row[];
  const row = rows[0];
  if (!row) return null;
  const limitPerMinute = Number(row.rate_limit);
  const scopes = (typeof row.scopes === "string" ? JSON.parse(row.scopes) : row.scopes) as ApiKeyScope[];
  const actor: ApiKeyActor = {
    type: "api_key",
    id: row.id,
    userId: row.user_id,
    role: row.role,
    key: {
      id: row.id,
      lineageId: row.lineage_id,
      mode: row.mode,
      scopes,
      rateLimitPerMinute: limitPerMinute,
      monthlyImageQuota: row.monthly_image_quota ?? DEFAULT_MONTHLY_IMAGE_QUOTA,
    },
  };
  const policyOut = opts.policyOrigin ? { ...readBestPolicy({ policy: row.policy, rank: row.policy_rank }), origin: opts.policyOrigin } : null;
  const tokensLeft = Number(row.tokens);
  const grantedCount = Number(row.granted);
  const charged = Number(row.charged);
  // Request i of the batch, as if alone: the granted ones first, each leaving the tokens after it.
  return Array.from({ length: count }, (_, i) => ({
    actor: i === 0 ? actor : { ...actor, key: { ...actor.key, scopes: [...scopes] } },
    rateLimit: i < grantedCount ? bucketVerdict(limitPerMinute, tokensLeft + (grantedCount - 1 - i), true) : bucketVerdict(limitPerMinute, tokensLeft, false),
    policy: policyOut,
    imagesCharged: i < charged ? n : 0,
    day,
  }));
}
