import { eq } from "drizzle-orm";
import { z } from "zod";
import { webhookEndpoints } from "../../db/schema";
import { writeAudit } from "../audit";
import { authorize, type Ctx } from "../context";
import { ownedEndpoint } from "./endpoint-access";

export const deleteWebhookEndpointInput = z.object({ endpointId: z.string().startsWith("whe_") });

/** Removes a key's endpoint with its pending deliveries and delivery log (owner or admin). */
export async function deleteWebhookEndpoint({ ctx, input }: { ctx: Ctx; input: z.input<typeof deleteWebhookEndpointInput> }): Promise<void> {
  authorize(ctx.actor, "manageApiKeys");
  const data = deleteWebhookEndpointInput.parse(input);
  await ctx.db.transaction(async (tx) => {
    const endpoint = await ownedEndpoint(tx, ctx, data.endpointId);
    await tx.delete(webhookEndpoints).where(eq(webhookEndpoints.id, endpoint.id));
    await writeAudit(tx, ctx.actor, { action: "webhook.endpoint_delete", targetType: "webhook_endpoint", targetId: endpoint.id, data: { url: endpoint.url } });
  });
}
