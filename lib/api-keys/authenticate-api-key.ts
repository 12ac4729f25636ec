import { and, eq, gt, isNull, or } from "drizzle-orm";
import type { DbOrTx } from "../../db";
import { apiKeys, users } from "../../db/schema";
import type { ApiKeyMode, ApiKeyScope } from "../../db/schema/enums";
import type { Actor } from "../context";
import { DEFAULT_MONTHLY_IMAGE_QUOTA, DEFAULT_RATE_LIMIT_PER_MINUTE } from "../limits";
import { hashApiKeySecret } from "./api-key-secret";

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

/**
 * Bearer secret → actor with the owner's current role and the key's scopes and limits, or null
 * (unknown, revoked, past its rotation grace period, owner disabled).
 */
export async function authenticateApiKey(db: DbOrTx, secret: string, now = new Date()): Promise<ApiKeyActor | null> {
  if (!/^lp_(live|test)_/.test(secret)) return null;
  const [row] = await db
    .select({ key: apiKeys, userId: users.id, role: users.role, disabled: users.disabled })
    .from(apiKeys)
    .innerJoin(users, eq(users.id, apiKeys.userId))
    .where(and(eq(apiKeys.secretHash, hashApiKeySecret(secret)), isNull(apiKeys.revokedAt), or(isNull(apiKeys.expiresAt), gt(apiKeys.expiresAt, now))));
  if (!row || row.disabled) return null;
  await db.update(apiKeys).set({ lastUsedAt: now }).where(eq(apiKeys.id, row.key.id));
  const k = row.key;
  return {
    type: "api_key",
    id: k.id,
    userId: row.userId,
    role: row.role,
    key: {
      id: k.id,
      lineageId: k.lineageId ?? k.id,
      mode: k.mode,
      scopes: k.scopes,
      rateLimitPerMinute: k.rateLimitPerMinute ?? DEFAULT_RATE_LIMIT_PER_MINUTE,
      monthlyImageQuota: k.monthlyImageQuota ?? DEFAULT_MONTHLY_IMAGE_QUOTA,
    },
  };
}
