import { index, integer, jsonb, pgTable, text, timestamp } from "drizzle-orm/pg-core";
import { apiKeys } from "./api-keys";
import { webhookDeliveryStatusEnum, webhookEventEnum, type WebhookEvent } from "./enums";
import { jobs } from "./jobs";

/**
 * Where events go. Either a key's endpoint (`apiKeyId`, no `jobId`: events of the cases that key
 * submitted, at most MAX_WEBHOOK_ENDPOINTS_PER_KEY) or one job's `webhook_url` (`jobId`: that job's
 * events only).
 */
export const webhookEndpoints = pgTable(
  "webhook_endpoints",
  {
    id: text("id").primaryKey(),
    apiKeyId: text("api_key_id").references(() => apiKeys.id),
    jobId: text("job_id").references(() => jobs.id),
    url: text("url").notNull(),
    /**
     * HMAC key for X-Loupe-Signature. Kept in clear because signing needs it (unlike API keys, which
     * are only compared); shown to the caller once, never by the UI or the API afterwards.
     */
    secret: text("secret").notNull(),
    /** Subscribed events; empty means every event. */
    events: jsonb("events").$type<WebhookEvent[]>().notNull().default([]),
    /** Set when deliveries gave up (lib/webhooks/dispatcher.ts); an admin notice shows it until re-enabled. */
    disabledAt: timestamp("disabled_at", { withTimezone: true }),
    disabledReason: text("disabled_reason"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("webhook_endpoints_key_idx").on(t.apiKeyId), index("webhook_endpoints_job_idx").on(t.jobId)],
);

/**
 * The outbox: one row per (event, endpoint), written in the same transaction as the state change it
 * reports, then claimed and sent by the dispatcher. `body` is the exact JSON that is signed and
 * sent, so every retry and replay sends the same bytes.
 */
export const webhookDeliveries = pgTable(
  "webhook_deliveries",
  {
    id: text("id").primaryKey(),
    endpointId: text("endpoint_id")
      .notNull()
      .references(() => webhookEndpoints.id, { onDelete: "cascade" }),
    /** The event's id (`wev_…`), the same for a replay of it: receivers deduplicate on it. */
    eventId: text("event_id").notNull(),
    event: webhookEventEnum("event").notNull(),
    caseId: text("case_id"),
    body: text("body").notNull(),
    status: webhookDeliveryStatusEnum("status").notNull().default("pending"),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: timestamp("next_attempt_at", { withTimezone: true }).notNull().defaultNow(),
    leaseOwner: text("lease_owner"),
    leaseExpiresAt: timestamp("lease_expires_at", { withTimezone: true }),
    lastStatusCode: integer("last_status_code"),
    lastError: text("last_error"),
    deliveredAt: timestamp("delivered_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // The dispatcher's claim: due pending rows, oldest first.
    index("webhook_deliveries_due_idx").on(t.status, t.nextAttemptAt),
    index("webhook_deliveries_endpoint_idx").on(t.endpointId, t.createdAt),
  ],
);

/** The delivery log: one row per HTTP attempt. */
export const webhookAttempts = pgTable(
  "webhook_attempts",
  {
    id: text("id").primaryKey(),
    deliveryId: text("delivery_id")
      .notNull()
      .references(() => webhookDeliveries.id, { onDelete: "cascade" }),
    attempt: integer("attempt").notNull(),
    /** Null when no response came (timeout, refused connection, blocked address). */
    statusCode: integer("status_code"),
    error: text("error"),
    durationMs: integer("duration_ms").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("webhook_attempts_delivery_idx").on(t.deliveryId, t.attempt)],
);

export type WebhookEndpoint = typeof webhookEndpoints.$inferSelect;
export type WebhookDelivery = typeof webhookDeliveries.$inferSelect;
export type WebhookAttempt = typeof webhookAttempts.$inferSelect;
