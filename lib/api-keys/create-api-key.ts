import { z } from "zod";
import { apiKeys } from "../../db/schema";
import { API_KEY_SCOPES } from "../../db/schema/enums";
import { writeAudit } from "../audit";
import { actorUserId, authorize, type Ctx } from "../context";
import { AppError } from "../errors";
import { newId } from "../ids";
import { generateApiKeySecret } from "./api-key-secret";
import { keyLimitsInput } from "./update-api-key-limits";

export const createApiKeyInput = z
  .object({
    name: z.string().trim().min(1, "Name the key.").max(100),
    /** Defaults to every scope. */
    scopes: z.array(z.enum(API_KEY_SCOPES)).min(1, "Give the key at least one scope.").default([...API_KEY_SCOPES]),
    /** An `lp_test_…` key: the real engine, left out of usage and quotas. */
    test: z.boolean().default(false),
    /** The owner, when an admin (or the operator's CLI) makes a key for someone; default the actor. */
    userId: z.string().startsWith("usr_").optional(),
  })
  .extend(keyLimitsInput.partial().shape);

/** Creates a key (it acts with its owner's role, within its scopes). The secret is returned once. */
export async function createApiKey({ ctx, input }: { ctx: Ctx; input: z.input<typeof createApiKeyInput> }) {
  authorize(ctx.actor, "manageApiKeys");
  const data = createApiKeyInput.parse(input);
  const self = actorUserId(ctx.actor);
  const userId = data.userId ?? (ctx.actor.type === "user" ? self : null);
  if (!userId) throw new AppError("invalid_request", "Name the key's owner.", { param: "userId" });
  // Keys for others, and limits, are an admin's (or the operator's) to set.
  if (userId !== self || data.rateLimitPerMinute !== undefined || data.monthlyImageQuota !== undefined) authorize(ctx.actor, "administerApiKeys");
  const mode = data.test ? "test" : "live";
  const { secret, prefix, hash } = generateApiKeySecret(mode);
  const id = newId("apiKey");
  return ctx.db.transaction(async (tx) => {
    const owner = await tx.query.users.findFirst({ where: (u, { eq }) => eq(u.id, userId) });
    if (!owner) throw new AppError("not_found", "No such user.", { param: "userId" });
    const [key] = await tx
      .insert(apiKeys)
      .values({
        id,
        lineageId: id,
        name: data.name,
        prefix,
        secretHash: hash,
        userId,
        mode,
        scopes: [...new Set(data.scopes)],
        rateLimitPerMinute: data.rateLimitPerMinute ?? null,
        monthlyImageQuota: data.monthlyImageQuota ?? null,
      })
      .returning();
    await writeAudit(tx, ctx.actor, { action: "api_key.create", targetType: "api_key", targetId: key!.id, data: { name: data.name, userId, mode, scopes: key!.scopes } });
    return { key: key!, secret };
  });
}
