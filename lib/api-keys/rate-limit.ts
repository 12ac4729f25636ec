// Per-key token buckets in the database, so every server process (and every machine) shares them.
// A bucket holds up to `limit` tokens and refills at limit/60 per second; a request takes one. The
// refill, the take and the verdict are one INSERT … ON CONFLICT DO UPDATE: PostgreSQL locks the row
// for the update, so concurrent requests from any number of connections are serialised and each
// sees the bucket the previous one left. Nothing is kept in process memory.
import { sql } from "drizzle-orm";
import type { DbOrTx } from "../../db";
import { apiRateLimits } from "../../db/schema";

export interface RateLimitVerdict {
  allowed: boolean;
  limit: number;
  /** Whole tokens left after this request. */
  remaining: number;
  /** Seconds until the bucket is full again. */
  resetSeconds: number;
  /** Seconds until one token is back (0 when allowed). */
  retryAfterSeconds: number;
}

export async function takeToken(db: DbOrTx, lineageId: string, limitPerMinute: number, now = new Date()): Promise<RateLimitVerdict> {
  const limit = Math.max(1, Math.floor(limitPerMinute));
  const perSecond = limit / 60;
  // Timestamps as ISO text cast to timestamptz (postgres.js does not take Date objects in fragments).
  const nowTs = sql`${now.toISOString()}::timestamptz`;
  // A clock behind the stored one (another process's) refills nothing rather than draining.
  const refilled = sql`least(${limit}::float8, ${apiRateLimits.tokens} + greatest(0::float8, extract(epoch from (${nowTs} - ${apiRateLimits.updatedAt}))::float8) * ${perSecond}::float8)`;
  const [row] = await db
    .insert(apiRateLimits)
    .values({ lineageId, tokens: limit - 1, updatedAt: now, allowed: true })
    .onConflictDoUpdate({
      target: apiRateLimits.lineageId,
      set: {
        tokens: sql`case when ${refilled} >= 1 then ${refilled} - 1 else ${refilled} end`,
        allowed: sql`${refilled} >= 1`,
        updatedAt: sql`greatest(${apiRateLimits.updatedAt}, ${nowTs})`,
      },
    })
    .returning({ tokens: apiRateLimits.tokens, allowed: apiRateLimits.allowed });
  return bucketVerdict(limit, row!.tokens, row!.allowed);
}

/** The headers' numbers for a bucket of `limit` tokens a minute that holds `tokens` after this request. */
export function bucketVerdict(limit: number, tokensLeft: number, allowed: boolean): RateLimitVerdict {
  const perSecond = limit / 60;
  const tokens = Math.min(limit, tokensLeft);
  return {
    allowed,
    limit,
    remaining: Math.max(0, Math.floor(tokens)),
    resetSeconds: Math.ceil((limit - tokens) / perSecond),
    retryAfterSeconds: allowed ? 0 : Math.max(1, Math.ceil((1 - tokens) / perSecond)),
  };
}
