// Who may manage a key's webhook endpoints: the key's owner, or an admin.
import { eq } from "drizzle-orm";
import type { Tx } from "../../db";
import { apiKeys, webhookEndpoints } from "../../db/schema";
import { actorUserId, type Ctx } from "../context";
import { AppError } from "../errors";

const isAdmin = (ctx: Ctx) => ctx.actor.type === "system" || ("role" in ctx.actor && ctx.actor.role === "admin");

/** The key, when the actor may manage its endpoints; `not_found` otherwise (no hint that it exists). */
export async function ownedKey(tx: Tx, ctx: Ctx, apiKeyId: string) {
  const [key] = await tx.select().from(apiKeys).where(eq(apiKeys.id, apiKeyId));
  if (!key || key.revokedAt || (!isAdmin(ctx) && key.userId !== actorUserId(ctx.actor))) throw new AppError("not_found", "API key not found.");
  return key;
}

/** A key endpoint the actor may manage (job endpoints are not managed: they live and die with their job). */
export async function ownedEndpoint(tx: Tx, ctx: Ctx, endpointId: string) {
  const [endpoint] = await tx.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, endpointId)).for("update");
  if (!endpoint || !endpoint.apiKeyId || endpoint.jobId) throw new AppError("not_found", "Webhook endpoint not found.");
  await ownedKey(tx, ctx, endpoint.apiKeyId);
  return endpoint;
}
