import { z } from "zod";
import { apiKeys } from "../../db/schema";
import { writeAudit } from "../audit";
import { actorUserId, authorize, type Ctx } from "../context";
import { AppError } from "../errors";
import { newId } from "../ids";
import { generateApiKeySecret } from "./api-key-secret";

export const createApiKeyInput = z.object({ name: z.string().trim().min(1, "Name the key.").max(100) });

/** Creates a key owned by the acting user (it acts with that user's role). The secret is returned once. */
export async function createApiKey({ ctx, input }: { ctx: Ctx; input: z.input<typeof createApiKeyInput> }) {
  authorize(ctx.actor, "manageApiKeys");
  const data = createApiKeyInput.parse(input);
  const userId = actorUserId(ctx.actor);
  if (!userId || ctx.actor.type !== "user") throw new AppError("forbidden", "API keys are created by signed-in users.");
  const { secret, prefix, hash } = generateApiKeySecret();
  return ctx.db.transaction(async (tx) => {
    const [key] = await tx.insert(apiKeys).values({ id: newId("apiKey"), name: data.name, prefix, secretHash: hash, userId }).returning();
    await writeAudit(tx, ctx.actor, { action: "api_key.create", targetType: "api_key", targetId: key!.id, data: { name: data.name } });
    return { key: key!, secret };
  });
}
