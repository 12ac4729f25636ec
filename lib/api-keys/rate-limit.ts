// Per-key token buckets in the database, so every server process (and every machine) shares them.
// A bucket holds up to `limit` tokens and refills at limit/60 per second; a request takes one. The
// refill, the take and the verdict are one INSERT … ON CONFLICT DO UPDATE inside admitApiKey
// (./admit-api-key.ts): PostgreSQL locks the row for the update, so concurrent requests from any
// number of connections are serialised and each sees the bucket the previous one left. Nothing is
// kept in process memory. This file turns a bucket's state into the verdict and its headers.

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
