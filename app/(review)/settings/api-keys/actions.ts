"use server";

import { revalidatePath } from "next/cache";
import { authedAction } from "@/lib/actions";
import { createApiKey } from "@/lib/api-keys/create-api-key";
import { revokeApiKey } from "@/lib/api-keys/revoke-api-key";
import { createWebhookEndpoint } from "@/lib/webhooks/create-webhook-endpoint";
import { deleteWebhookEndpoint } from "@/lib/webhooks/delete-webhook-endpoint";
import { enableWebhookEndpoint } from "@/lib/webhooks/enable-webhook-endpoint";
import { createKeyForm, createWebhookForm, revokeKeyInput, webhookEndpointInput } from "./api-keys.validation";

export const createApiKeyAction = authedAction("manageApiKeys", createKeyForm, async (input, ctx) => {
  const { secret } = await createApiKey({ ctx, input });
  revalidatePath("/settings/api-keys");
  return { secret };
});

export const revokeApiKeyAction = authedAction("manageApiKeys", revokeKeyInput, async (input, ctx) => {
  await revokeApiKey({ ctx, input });
  revalidatePath("/settings/api-keys");
  return null;
});

export const createWebhookEndpointAction = authedAction("manageApiKeys", createWebhookForm, async (input, ctx) => {
  const { endpoint, secret } = await createWebhookEndpoint({ ctx, input });
  revalidatePath("/settings/api-keys");
  return { id: endpoint.id, secret };
});

export const deleteWebhookEndpointAction = authedAction("manageApiKeys", webhookEndpointInput, async (input, ctx) => {
  await deleteWebhookEndpoint({ ctx, input });
  revalidatePath("/settings/api-keys");
  return null;
});

export const enableWebhookEndpointAction = authedAction("manageApiKeys", webhookEndpointInput, async (input, ctx) => {
  await enableWebhookEndpoint({ ctx, input });
  revalidatePath("/settings/api-keys");
  return null;
});
