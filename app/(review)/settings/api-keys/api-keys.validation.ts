import { z } from "zod";
import { WEBHOOK_EVENTS } from "@/db/schema/enums";

export const createKeyForm = z.object({ name: z.string() });
export const revokeKeyInput = z.object({ keyId: z.string().startsWith("key_") });

/** The add-endpoint form: a URL, and the subscribed events as checkboxes (none ticked = every event). */
export const createWebhookForm = z.object({
  apiKeyId: z.string().startsWith("key_"),
  url: z.string(),
  events: z
    .union([z.string(), z.array(z.string())])
    .optional()
    .transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]))
    .pipe(z.array(z.enum(WEBHOOK_EVENTS))),
});
export const webhookEndpointInput = z.object({ endpointId: z.string().startsWith("whe_") });
