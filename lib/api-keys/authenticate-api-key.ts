import { and, eq, isNull } from "drizzle-orm";
import type { DbOrTx } from "../../db";
import { apiKeys, users } from "../../db/schema";
import type { Actor } from "../context";
import { hashApiKeySecret } from "./api-key-secret";

/** Bearer secret → actor with the owner's current role, or null (unknown, revoked, owner disabled). */
export async function authenticateApiKey(db: DbOrTx, secret: string): Promise<Extract<Actor, { type: "api_key" }> | null> {
  if (!secret.startsWith("lp_")) return null;
  const [row] = await db
    .select({ id: apiKeys.id, userId: users.id, role: users.role, disabled: users.disabled })
    .from(apiKeys)
    .innerJoin(users, eq(users.id, apiKeys.userId))
    .where(and(eq(apiKeys.secretHash, hashApiKeySecret(secret)), isNull(apiKeys.revokedAt)));
  if (!row || row.disabled) return null;
  await db.update(apiKeys).set({ lastUsedAt: new Date() }).where(eq(apiKeys.id, row.id));
  return { type: "api_key", id: row.id, userId: row.userId, role: row.role };
}
