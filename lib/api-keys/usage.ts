// Requests and images per key lineage and UTC day (test keys are never counted), and the monthly
// image quota. Both are upserts on one row per lineage and day, so every server process counts into
// the same rows; requests are counted by admitApiKey (./admit-api-key.ts), images here.
import { and, eq, gte, lt, sql } from "drizzle-orm";
import type { DbOrTx } from "../../db";
import { apiUsage } from "../../db/schema";

/** `YYYY-MM-DD` of `now` in UTC. */
export function utcDay(now: Date): string {
  return now.toISOString().slice(0, 10);
}

/** The first day of `now`'s UTC month. */
export function utcMonthStart(now: Date): string {
  return `${now.toISOString().slice(0, 7)}-01`;
}

/** The first day of the next UTC month: when the quota starts afresh. */
export function utcNextMonthStart(now: Date): string {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1)).toISOString().slice(0, 10);
}

/** Images used this UTC month. */
export async function imagesThisMonth(db: DbOrTx, lineageId: string, now = new Date()): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`coalesce(sum(${apiUsage.images}), 0)::int` })
    .from(apiUsage)
    .where(and(eq(apiUsage.lineageId, lineageId), gte(apiUsage.day, utcMonthStart(now))));
  return Number(row?.n ?? 0);
}

/**
 * Counts `n` images against the monthly quota if they fit, in one statement; returns whether they
 * did. Earlier days of the month do not change any more, and today's row is locked by the upsert, so
 * concurrent charges cannot together pass the quota: the check re-reads today's row after the lock.
 */
export async function chargeImages(db: DbOrTx, lineageId: string, n: number, quota: number, now = new Date()): Promise<boolean> {
  const day = utcDay(now);
  const earlier = sql`(select coalesce(sum(u.images), 0) from ${apiUsage} u where u.lineage_id = ${lineageId} and u.day >= ${utcMonthStart(now)}::date and u.day < ${day}::date)`;
  const rows = await db
    .insert(apiUsage)
    .select(sql`select ${lineageId}::text, ${day}::date, 0, ${n}::int where ${earlier} + ${n} <= ${quota}`)
    .onConflictDoUpdate({
      target: [apiUsage.lineageId, apiUsage.day],
      set: { images: sql`${apiUsage.images} + excluded.images` },
      setWhere: sql`${apiUsage.images} + excluded.images + ${earlier} <= ${quota}`,
    })
    .returning({ images: apiUsage.images });
  return rows.length > 0;
}

/**
 * Gives back `n` images charged to `day` (admitApiKey's charge for a request that did not use them:
 * it failed before its handler spent them, or was an idempotent replay).
 */
export async function refundImages(db: DbOrTx, lineageId: string, n: number, day: string): Promise<void> {
  await db
    .update(apiUsage)
    .set({ images: sql`${apiUsage.images} - ${n}::int` })
    .where(and(eq(apiUsage.lineageId, lineageId), eq(apiUsage.day, day), gte(apiUsage.images, n)));
}

/** Per-day usage of lineages in [from, to). */
export function usageByDay(db: DbOrTx, lineageIds: string[], from: string, to: string) {
  if (lineageIds.length === 0) return Promise.resolve([]);
  return db
    .select()
    .from(apiUsage)
    .where(and(sql`${apiUsage.lineageId} in ${lineageIds}`, gte(apiUsage.day, from), lt(apiUsage.day, to)))
    .orderBy(apiUsage.lineageId, apiUsage.day);
}
