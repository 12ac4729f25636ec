import { eq } from "drizzle-orm";
import { z } from "zod";
import { webhookDeliveries, webhookEndpoints, type WebhookDelivery } from "../../db/schema";
import { writeAudit } from "../audit";
import { authorize, type Ctx } from "../context";
import { AppError } from "../errors";
import { newId } from "../ids";
import { notifyOutbox } from "./outbox-notice";

export const replayDeliveryInput = z.object({ deliveryId: z.string().startsWith("whd_") });

/**
 * Sends an event again (admin, from the delivery log): a new delivery of the same body and event id
 * (receivers deduplicate on `id`), with a fresh retry schedule, signed afresh when sent.
 */
export async function replayDelivery({ ctx, input }: { ctx: Ctx; input: z.input<typeof replayDeliveryInput> }): Promise<WebhookDelivery> {
  authorize(ctx.actor, "manageWebhooks");
  const data = replayDeliveryInput.parse(input);
  return ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .select({ delivery: webhookDeliveries, endpoint: webhookEndpoints })
      .from(webhookDeliveries)
      .innerJoin(webhookEndpoints, eq(webhookEndpoints.id, webhookDeliveries.endpointId))
      .where(eq(webhookDeliveries.id, data.deliveryId));
    if (!row) throw new AppError("not_found", "Delivery not found.");
    if (row.endpoint.disabledAt) throw new AppError("conflict", "The endpoint is disabled; re-enable it first.");
    const { delivery } = row;
    const [replay] = await tx
      .insert(webhookDeliveries)
      .values({ id: newId("webhookDelivery"), endpointId: delivery.endpointId, eventId: delivery.eventId, event: delivery.event, caseId: delivery.caseId, body: delivery.body })
      .returning();
    await notifyOutbox(tx);
    await writeAudit(tx, ctx.actor, { action: "webhook.replay", targetType: "webhook_delivery", targetId: replay!.id, data: { of: delivery.id, eventId: delivery.eventId } });
    return replay!;
  });
}
