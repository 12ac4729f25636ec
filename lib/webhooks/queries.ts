// Read helpers for the webhook UI. They take `db | tx` explicitly and never return secrets.
import { and, desc, eq, inArray, isNotNull, isNull, sql } from "drizzle-orm";
import type { DbOrTx } from "../../db";
import { apiKeys, users, webhookAttempts, webhookDeliveries, webhookEndpoints } from "../../db/schema";

const endpointColumns = {
  id: webhookEndpoints.id,
  apiKeyId: webhookEndpoints.apiKeyId,
  url: webhookEndpoints.url,
  events: webhookEndpoints.events,
  disabledAt: webhookEndpoints.disabledAt,
  disabledReason: webhookEndpoints.disabledReason,
  createdAt: webhookEndpoints.createdAt,
};

/** The endpoints of these keys, oldest first. */
export async function listKeyEndpoints(db: DbOrTx, apiKeyIds: string[]) {
  if (apiKeyIds.length === 0) return [];
  return db
    .select(endpointColumns)
    .from(webhookEndpoints)
    .where(and(inArray(webhookEndpoints.apiKeyId, apiKeyIds), isNull(webhookEndpoints.jobId)))
    .orderBy(webhookEndpoints.createdAt);
}

/** Key endpoints the dispatcher switched off: the admin notice. */
export async function listDisabledEndpoints(db: DbOrTx) {
  return db
    .select({ ...endpointColumns, keyName: apiKeys.name, owner: users.email })
    .from(webhookEndpoints)
    .innerJoin(apiKeys, eq(apiKeys.id, webhookEndpoints.apiKeyId))
    .innerJoin(users, eq(users.id, apiKeys.userId))
    .where(and(isNotNull(webhookEndpoints.disabledAt), isNull(webhookEndpoints.jobId)))
    .orderBy(desc(webhookEndpoints.disabledAt));
}

/** The delivery log: the newest deliveries with their attempts. */
export async function listRecentDeliveries(db: DbOrTx, limit = 50) {
  const rows = await db
    .select({
      id: webhookDeliveries.id,
      eventId: webhookDeliveries.eventId,
      event: webhookDeliveries.event,
      caseId: webhookDeliveries.caseId,
      status: webhookDeliveries.status,
      attempts: webhookDeliveries.attempts,
      nextAttemptAt: webhookDeliveries.nextAttemptAt,
      lastStatusCode: webhookDeliveries.lastStatusCode,
      lastError: webhookDeliveries.lastError,
      deliveredAt: webhookDeliveries.deliveredAt,
      createdAt: webhookDeliveries.createdAt,
      endpointId: webhookEndpoints.id,
      url: webhookEndpoints.url,
      endpointDisabled: sql<boolean>`${webhookEndpoints.disabledAt} is not null`,
    })
    .from(webhookDeliveries)
    .innerJoin(webhookEndpoints, eq(webhookEndpoints.id, webhookDeliveries.endpointId))
    .orderBy(desc(webhookDeliveries.createdAt), desc(webhookDeliveries.id))
    .limit(Math.min(Math.max(limit, 1), 200));
  const attempts = rows.length
    ? await db.select().from(webhookAttempts).where(inArray(webhookAttempts.deliveryId, rows.map((r) => r.id))).orderBy(webhookAttempts.attempt)
    : [];
  return rows.map((r) => ({ ...r, log: attempts.filter((a) => a.deliveryId === r.id) }));
}
