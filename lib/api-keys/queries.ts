// Read helpers for the API-key pages, the usage endpoint and the CLI. They take `db | tx` explicitly
// and never return secret hashes.
import { and, desc, eq, gt, isNull, or } from "drizzle-orm";
import type { DbOrTx } from "../../db";
import { apiKeys, users } from "../../db/schema";
import { DEFAULT_MONTHLY_IMAGE_QUOTA, DEFAULT_RATE_LIMIT_PER_MINUTE } from "../limits";
import { imagesThisMonth, usageByDay, utcMonthStart } from "./usage";

const publicColumns = {
  id: apiKeys.id,
  name: apiKeys.name,
  prefix: apiKeys.prefix,
  userId: apiKeys.userId,
  mode: apiKeys.mode,
  scopes: apiKeys.scopes,
  rateLimitPerMinute: apiKeys.rateLimitPerMinute,
  monthlyImageQuota: apiKeys.monthlyImageQuota,
  lineageId: apiKeys.lineageId,
  expiresAt: apiKeys.expiresAt,
  createdAt: apiKeys.createdAt,
  lastUsedAt: apiKeys.lastUsedAt,
  revokedAt: apiKeys.revokedAt,
};

const working = (now: Date) => and(isNull(apiKeys.revokedAt), or(isNull(apiKeys.expiresAt), gt(apiKeys.expiresAt, now)));

/** A user's keys that still work (rotated ones until their grace period ends), newest first. */
export function listActiveApiKeys(db: DbOrTx, userId: string, now = new Date()) {
  return db
    .select(publicColumns)
    .from(apiKeys)
    .where(and(eq(apiKeys.userId, userId), working(now)))
    .orderBy(desc(apiKeys.createdAt));
}

/** Every user's keys with their owner's email, newest first; `all` includes revoked and expired ones. */
export function listAllApiKeys(db: DbOrTx, opts: { all?: boolean } = {}, now = new Date()) {
  return db
    .select({ ...publicColumns, email: users.email })
    .from(apiKeys)
    .innerJoin(users, eq(users.id, apiKeys.userId))
    .where(opts.all ? undefined : working(now))
    .orderBy(desc(apiKeys.createdAt));
}

export type ApiKeyRow = Awaited<ReturnType<typeof listAllApiKeys>>[number];

/** The limits a key works under (its own, or the defaults). */
export function effectiveLimits(k: { rateLimitPerMinute: number | null; monthlyImageQuota: number | null }) {
  return {
    rateLimitPerMinute: k.rateLimitPerMinute ?? DEFAULT_RATE_LIMIT_PER_MINUTE,
    monthlyImageQuota: k.monthlyImageQuota ?? DEFAULT_MONTHLY_IMAGE_QUOTA,
  };
}

/**
 * Usage of a user's live keys in [from, to) (UTC days), one entry per key lineage, named by its
 * newest working key. Test keys are not counted, so they are not listed.
 */
export async function usageReport(db: DbOrTx, userId: string, range: { from: string; to: string }, now = new Date()) {
  const keys = (await listActiveApiKeys(db, userId, now)).filter((k) => k.mode === "live");
  const byLineage = new Map<string, (typeof keys)[number]>();
  for (const k of keys) if (!byLineage.has(k.lineageId ?? k.id)) byLineage.set(k.lineageId ?? k.id, k);
  const days = await usageByDay(db, [...byLineage.keys()], range.from, range.to);
  return Promise.all(
    [...byLineage].map(async ([lineageId, key]) => {
      const mine = days.filter((d) => d.lineageId === lineageId);
      const limits = effectiveLimits(key);
      const used = await imagesThisMonth(db, lineageId, now);
      return {
        key,
        limits,
        requests: mine.reduce((n, d) => n + d.requests, 0),
        images: mine.reduce((n, d) => n + d.images, 0),
        days: mine.map((d) => ({ day: d.day, requests: d.requests, images: d.images })),
        month: { start: utcMonthStart(now), images: used, remaining: Math.max(0, limits.monthlyImageQuota - used) },
      };
    }),
  );
}

export type KeyUsage = Awaited<ReturnType<typeof usageReport>>[number];
