// `Idempotency-Key` for POSTs under /api/v1 (lib/api/route.ts): the first request with a key claims
// it and runs; its response is stored for IDEMPOTENCY_TTL_HOURS. A retry with the same key and the
// same request (method, path and body, hashed) gets the stored response; with a different request,
// or while the first is still running, a 409 `idempotency_conflict`. Claims are one upsert on the
// (owner, key) primary key, so two processes receiving the same key at once cannot both run it.
import { createHash } from "node:crypto";
import { and, eq, lt, sql } from "drizzle-orm";
import type { DbOrTx } from "../../db";
import { idempotencyKeys } from "../../db/schema";
import { IDEMPOTENCY_IN_FLIGHT_SECONDS, IDEMPOTENCY_TTL_HOURS } from "../limits";

export interface StoredResponse {
  status: number;
  body: Buffer;
  headers: Record<string, string>;
}

export type IdempotencyClaim = { kind: "run" } | { kind: "replay"; response: StoredResponse } | { kind: "conflict"; message: string };

/** Response headers worth replaying; request ids and rate-limit counts belong to the new request. */
export const REPLAYED_HEADERS = ["content-type", "location", "cache-control", "content-disposition"];

export function requestHash(method: string, url: string, body: Uint8Array): string {
  const u = new URL(url);
  return createHash("sha256").update(`${method.toUpperCase()}\n${u.pathname}${u.search}\n`).update(body).digest("hex");
}

export async function claimIdempotencyKey(db: DbOrTx, owner: string, key: string, hash: string, now = new Date()): Promise<IdempotencyClaim> {
  const nowTs = sql`${now.toISOString()}::timestamptz`;
  const staleTs = sql`${new Date(now.getTime() - IDEMPOTENCY_IN_FLIGHT_SECONDS * 1000).toISOString()}::timestamptz`;
  const expiresAt = new Date(now.getTime() + IDEMPOTENCY_TTL_HOURS * 3600 * 1000);
  // Expired records of this owner go first (the primary key's prefix finds them).
  await db.delete(idempotencyKeys).where(and(eq(idempotencyKeys.owner, owner), lt(idempotencyKeys.expiresAt, now)));
  const claimed = await db
    .insert(idempotencyKeys)
    .values({ owner, key, requestHash: hash, status: null, body: null, headers: null, createdAt: now, expiresAt })
    .onConflictDoUpdate({
      target: [idempotencyKeys.owner, idempotencyKeys.key],
      set: { requestHash: hash, status: null, body: null, headers: null, createdAt: now, expiresAt },
      // An expired record, or one whose request died in flight, may be claimed afresh.
      setWhere: sql`${idempotencyKeys.expiresAt} <= ${nowTs} or (${idempotencyKeys.status} is null and ${idempotencyKeys.createdAt} < ${staleTs})`,
    })
    .returning({ owner: idempotencyKeys.owner });
  if (claimed.length > 0) return { kind: "run" };
  const [row] = await db.select().from(idempotencyKeys).where(and(eq(idempotencyKeys.owner, owner), eq(idempotencyKeys.key, key)));
  if (row && row.requestHash !== hash) {
    return { kind: "conflict", message: "This Idempotency-Key was already used with a different request (method, path or body)." };
  }
  if (!row || row.status === null || row.body === null) {
    return { kind: "conflict", message: "A request with this Idempotency-Key is still being processed; retry shortly." };
  }
  return { kind: "replay", response: { status: row.status, body: Buffer.from(row.body, "base64"), headers: row.headers ?? {} } };
}

export async function saveIdempotentResponse(db: DbOrTx, owner: string, key: string, res: StoredResponse): Promise<void> {
  await db
    .update(idempotencyKeys)
    .set({ status: res.status, body: res.body.toString("base64"), headers: res.headers })
    .where(and(eq(idempotencyKeys.owner, owner), eq(idempotencyKeys.key, key)));
}

/** A request that failed on our side (5xx) gives its key back, so the client's retry runs again. */
export async function releaseIdempotencyKey(db: DbOrTx, owner: string, key: string): Promise<void> {
  await db.delete(idempotencyKeys).where(and(eq(idempotencyKeys.owner, owner), eq(idempotencyKeys.key, key)));
}
