"use server";

import { revalidatePath } from "next/cache";
import { authedAction } from "@/lib/actions";
import { enableWebhookEndpoint } from "@/lib/webhooks/enable-webhook-endpoint";
import { replayDelivery } from "@/lib/webhooks/replay-delivery";
import { endpointInput, replayInput } from "./webhooks.validation";

export const replayDeliveryAction = authedAction("manageWebhooks", replayInput, async (input, ctx) => {
  const replay = await replayDelivery({ ctx, input });
  revalidatePath("/admin/webhooks");
  return { id: replay.id };
});

export const enableEndpointAction = authedAction("manageWebhooks", endpointInput, async (input, ctx) => {
  await enableWebhookEndpoint({ ctx, input });
  revalidatePath("/admin/webhooks");
  return null;
});
