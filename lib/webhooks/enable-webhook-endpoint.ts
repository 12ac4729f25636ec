import { eq } from "drizzle-orm";
import { z } from "zod";
import { webhookEndpoints } from "../../db/schema";
import { writeAudit } from "../audit";
import { authorize, type Ctx } from "../context";
import { ownedEndpoint } from "./endpoint-access";
import { notifyOutbox } from "./outbox-notice";

export const enableWebhookEndpointInput = z.object({ endpointId: z.string().startsWith("whe_") });

/**
 * Re-enables an endpoint the dispatcher disabled (owner or admin). Deliveries still pending resume;
 * those that failed can be replayed from the delivery log.
 */
export async function enableWebhookEndpoint({ ctx, input }: { ctx: Ctx; input: z.input<typeof enableWebhookEndpointInput> }): Promise<void> {
  authorize(ctx.actor, "manageApiKeys");
  const data = enableWebhookEndpointInput.parse(input);
  await ctx.db.transaction(async (tx) => {
    const endpoint = await ownedEndpoint(tx, ctx, data.endpointId);
    if (!endpoint.disabledAt) return;
    await tx.update(webhookEndpoints).set({ disabledAt: null, disabledReason: null }).where(eq(webhookEndpoints.id, endpoint.id));
    // Its pending deliveries are due again.
    await notifyOutbox(tx);
    await writeAudit(tx, ctx.actor, { action: "webhook.endpoint_enable", targetType: "webhook_endpoint", targetId: endpoint.id });
  });
}
