import { and, eq, isNull } from "drizzle-orm";
import { z } from "zod";
import { apiKeys } from "../../db/schema";
import { writeAudit } from "../audit";
import { can } from "../auth/roles";
import { actorUserId, authorize, type Ctx } from "../context";
import { AppError } from "../errors";
import { newId } from "../ids";
import { DEFAULT_ROTATION_GRACE_HOURS, MAX_ROTATION_GRACE_HOURS } from "../limits";
import { generateApiKeySecret } from "./api-key-secret";

export const rotateApiKeyInput = z.object({
  keyId: z.string().startsWith("key_"),
  /** How long the old key keeps working beside the new one (0: it stops now). */
  graceHours: z.number().min(0).max(MAX_ROTATION_GRACE_HOURS).default(DEFAULT_ROTATION_GRACE_HOURS),
});

/**
 * A new secret for a key: same owner, name, mode, scopes and limits, and the same lineage (so its
 * rate-limit bucket, usage and quota carry on). The old secret works until the grace period ends.
 */
export async function rotateApiKey({ ctx, input }: { ctx: Ctx; input: z.input<typeof rotateApiKeyInput> }, now = new Date()) {
  authorize(ctx.actor, "manageApiKeys");
  const data = rotateApiKeyInput.parse(input);
  return ctx.db.transaction(async (tx) => {
    const [old] = await tx.select().from(apiKeys).where(and(eq(apiKeys.id, data.keyId), isNull(apiKeys.revokedAt)));
    if (!old || (!can(ctx.actor, "administerApiKeys") && old.userId !== actorUserId(ctx.actor))) throw new AppError("not_found", "API key not found.");
    // A key is rotated once: a second rotation would leave two successors in one lineage.
    if (old.expiresAt) throw new AppError("conflict", "This key has already been rotated; rotate its successor.");
    const expiresAt = new Date(now.getTime() + data.graceHours * 3600 * 1000);
    const updated = await tx
      .update(apiKeys)
      .set({ expiresAt })
      .where(and(eq(apiKeys.id, old.id), isNull(apiKeys.expiresAt)))
      .returning({ id: apiKeys.id });
    if (updated.length === 0) throw new AppError("conflict", "This key has already been rotated; rotate its successor.");
    const { secret, prefix, hash } = generateApiKeySecret(old.mode);
    const [key] = await tx
      .insert(apiKeys)
      .values({
        id: newId("apiKey"),
        lineageId: old.lineageId ?? old.id,
        name: old.name,
        prefix,
        secretHash: hash,
        userId: old.userId,
        mode: old.mode,
        scopes: old.scopes,
        rateLimitPerMinute: old.rateLimitPerMinute,
        monthlyImageQuota: old.monthlyImageQuota,
      })
      .returning();
    await writeAudit(tx, ctx.actor, { action: "api_key.rotate", targetType: "api_key", targetId: old.id, data: { newKeyId: key!.id, oldExpiresAt: expiresAt.toISOString() } });
    return { key: key!, secret, oldExpiresAt: expiresAt };
  });
}
