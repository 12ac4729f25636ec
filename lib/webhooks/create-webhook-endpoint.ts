import { and, count, eq, isNull } from "drizzle-orm";
import { z } from "zod";
import { WEBHOOK_EVENTS, webhookEndpoints } from "../../db/schema";
import { writeAudit } from "../audit";
import { authorize, type Ctx } from "../context";
import { env } from "../env";
import { AppError } from "../errors";
import { newId } from "../ids";
import { generateWebhookSecret } from "../jobs/create-job";
import { MAX_WEBHOOK_ENDPOINTS_PER_KEY } from "../limits";
import { text } from "../validation";
import { assertWebhookUrl } from "./address";
import { ownedKey } from "./endpoint-access";

export const createWebhookEndpointInput = z.object({
  apiKeyId: z.string().startsWith("key_"),
  url: text(2000).transform((v) => v.trim()),
  /** Empty: every event. */
  events: z.array(z.enum(WEBHOOK_EVENTS)).default([]),
});

/** Adds an endpoint to a key (owner or admin). The signing secret is returned once. */
export async function createWebhookEndpoint({ ctx, input }: { ctx: Ctx; input: z.input<typeof createWebhookEndpointInput> }) {
  authorize(ctx.actor, "manageApiKeys");
  const data = createWebhookEndpointInput.parse(input);
  const url = (await assertWebhookUrl(data.url, { allowLoopback: env.LOUPE_WEBHOOK_ALLOW_LOOPBACK })).toString();
  return ctx.db.transaction(async (tx) => {
    const key = await ownedKey(tx, ctx, data.apiKeyId);
    const [existing] = await tx
      .select({ n: count() })
      .from(webhookEndpoints)
      .where(and(eq(webhookEndpoints.apiKeyId, key.id), isNull(webhookEndpoints.jobId)));
    if (Number(existing?.n ?? 0) >= MAX_WEBHOOK_ENDPOINTS_PER_KEY) {
      throw new AppError("invalid_request", `A key has at most ${MAX_WEBHOOK_ENDPOINTS_PER_KEY} webhook endpoints.`, { param: "url" });
    }
    const secret = generateWebhookSecret();
    const events = [...new Set(data.events)];
    const [endpoint] = await tx.insert(webhookEndpoints).values({ id: newId("webhookEndpoint"), apiKeyId: key.id, url, secret, events }).returning();
    await writeAudit(tx, ctx.actor, { action: "webhook.endpoint_create", targetType: "webhook_endpoint", targetId: endpoint!.id, data: { apiKeyId: key.id, url, events } });
    return { endpoint: endpoint!, secret };
  });
}
