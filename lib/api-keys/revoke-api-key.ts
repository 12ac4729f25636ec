import { and, eq, isNull } from "drizzle-orm";
import { z } from "zod";
import { apiKeys } from "../../db/schema";
import { writeAudit } from "../audit";
import { can } from "../auth/roles";
import { actorUserId, authorize, type Ctx } from "../context";
import { AppError } from "../errors";

export const revokeApiKeyInput = z.object({ keyId: z.string().startsWith("key_") });

/** Owners revoke their own keys; admins (and the operator's CLI) any key. Revoking is immediate. */
export async function revokeApiKey({ ctx, input }: { ctx: Ctx; input: z.input<typeof revokeApiKeyInput> }) {
  authorize(ctx.actor, "manageApiKeys");
  const data = revokeApiKeyInput.parse(input);
  return ctx.db.transaction(async (tx) => {
    const [key] = await tx.select().from(apiKeys).where(eq(apiKeys.id, data.keyId));
    if (!key || (!can(ctx.actor, "administerApiKeys") && key.userId !== actorUserId(ctx.actor))) throw new AppError("not_found", "API key not found.");
    await tx.update(apiKeys).set({ revokedAt: new Date() }).where(and(eq(apiKeys.id, key.id), isNull(apiKeys.revokedAt)));
    await writeAudit(tx, ctx.actor, { action: "api_key.revoke", targetType: "api_key", targetId: key.id });
  });
}
