import { eq, or } from "drizzle-orm";
import { z } from "zod";
import { apiKeys } from "../../db/schema";
import { writeAudit } from "../audit";
import { authorize, type Ctx } from "../context";
import { AppError } from "../errors";
import { MAX_RATE_LIMIT_PER_MINUTE } from "../limits";

/** A key's own limits; null goes back to the defaults in lib/limits.ts. */
export const keyLimitsInput = z.object({
  rateLimitPerMinute: z.number().int().min(1).max(MAX_RATE_LIMIT_PER_MINUTE).nullable(),
  monthlyImageQuota: z.number().int().min(0).max(1_000_000_000).nullable(),
});

export const updateApiKeyLimitsInput = keyLimitsInput.partial().extend({ keyId: z.string().startsWith("key_") });

/** Admins set a key's requests per minute and monthly images (the key's whole lineage follows). */
export async function updateApiKeyLimits({ ctx, input }: { ctx: Ctx; input: z.input<typeof updateApiKeyLimitsInput> }) {
  authorize(ctx.actor, "administerApiKeys");
  const data = updateApiKeyLimitsInput.parse(input);
  return ctx.db.transaction(async (tx) => {
    const set: Partial<typeof apiKeys.$inferInsert> = {};
    if (data.rateLimitPerMinute !== undefined) set.rateLimitPerMinute = data.rateLimitPerMinute;
    if (data.monthlyImageQuota !== undefined) set.monthlyImageQuota = data.monthlyImageQuota;
    const [key] = await tx.select().from(apiKeys).where(eq(apiKeys.id, data.keyId));
    if (!key) throw new AppError("not_found", "API key not found.");
    // Every key of the lineage (a rotated key in its grace period and its successor) shares the limits.
    const lineageId = key.lineageId ?? key.id;
    if (Object.keys(set).length) await tx.update(apiKeys).set(set).where(or(eq(apiKeys.id, lineageId), eq(apiKeys.lineageId, lineageId)));
    await writeAudit(tx, ctx.actor, { action: "api_key.limits", targetType: "api_key", targetId: key.id, data: { ...set } });
    return { ...key, ...set };
  });
}
