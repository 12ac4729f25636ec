// Read helpers for the API-key page. They take `db | tx` explicitly and never return secret hashes.
import { and, desc, eq, isNull } from "drizzle-orm";
import type { DbOrTx } from "../../db";
import { apiKeys } from "../../db/schema";

/** A user's keys that still work, newest first. */
export function listActiveApiKeys(db: DbOrTx, userId: string) {
  return db
    .select({ id: apiKeys.id, name: apiKeys.name, prefix: apiKeys.prefix, createdAt: apiKeys.createdAt, lastUsedAt: apiKeys.lastUsedAt })
    .from(apiKeys)
    .where(and(eq(apiKeys.userId, userId), isNull(apiKeys.revokedAt)))
    .orderBy(desc(apiKeys.createdAt));
}
