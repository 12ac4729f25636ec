// The webhook dispatcher: claims due outbox rows (FOR UPDATE SKIP LOCKED plus a lease, so several
// processes never send one row twice at once), signs and POSTs each, logs the attempt, and either
// marks it delivered or schedules the next try (lib/webhooks/backoff.ts). A delivery that used up its
// retries fails, and its key's endpoint is disabled until an admin re-enables it (the admin notice
// on /admin/webhooks). It runs beside the scan worker: in the web server (lib/worker/in-process.ts)
// and in `npm run worker`. It LISTENs for the outbox's NOTIFY (lib/webhooks/outbox-notice.ts), sent by
// whichever process wrote the rows, and claims at once; the poll is the safety net for what no notice
// announces (a retry's backoff ending, an expired lease) or a notice lost while the connection was down.
import { and, asc, eq, inArray, isNull, lte, or, sql } from "drizzle-orm";
import type { Db, Listen } from "../../db";
import { webhookAttempts, webhookDeliveries, webhookEndpoints, type WebhookDelivery, type WebhookEndpoint } from "../../db/schema";
import { writeAudit } from "../audit";
import { env } from "../env";
import { newId } from "../ids";
import { WEBHOOK_MAX_RETRIES, WEBHOOK_TIMEOUT_MS } from "../limits";
import { redact } from "../log";
import type { AddressPolicy } from "./address";
import { retryDelayMs } from "./backoff";
import { WEBHOOK_OUTBOX_CHANNEL } from "./outbox-notice";
import { sendWebhook, type SendFn } from "./send";
import { SIGNATURE_HEADER, signatureHeader } from "./signature";

/** A claimed delivery is the claimer's for this long; a dispatcher that died leaves it to expire. */
export const DELIVERY_LEASE_SECONDS = Math.ceil(WEBHOOK_TIMEOUT_MS / 1000) * 3;

export interface DispatchOptions {
  owner: string;
  retryBaseMs: number;
  policy: AddressPolicy;
  send?: SendFn;
  random?: () => number;
  /** Unix seconds for the signature (tests). */
  now?: () => number;
}

export interface Claimed {
  delivery: WebhookDelivery;
  endpoint: WebhookEndpoint;
}

/** Claims up to `limit` due deliveries of enabled endpoints, counting the attempt. */
export async function claimDeliveries(db: Db, owner: string, limit: number): Promise<Claimed[]> {
  return db.transaction(async (tx) => {
    const due = await tx
      .select({ id: webhookDeliveries.id })
      .from(webhookDeliveries)
      .where(
        and(
          eq(webhookDeliveries.status, "pending"),
          lte(webhookDeliveries.nextAttemptAt, sql`now()`),
          or(isNull(webhookDeliveries.leaseExpiresAt), lte(webhookDeliveries.leaseExpiresAt, sql`now()`)),
          sql`${webhookDeliveries.endpointId} in (select ${webhookEndpoints.id} from ${webhookEndpoints} where ${webhookEndpoints.disabledAt} is null)`,
        ),
      )
      .orderBy(asc(webhookDeliveries.nextAttemptAt))
      .limit(limit)
      .for("update", { skipLocked: true });
    if (due.length === 0) return [];
    const rows = await tx
      .update(webhookDeliveries)
      .set({
        leaseOwner: owner,
        leaseExpiresAt: sql`now() + make_interval(secs => ${DELIVERY_LEASE_SECONDS})`,
        attempts: sql`${webhookDeliveries.attempts} + 1`,
      })
      .where(inArray(webhookDeliveries.id, due.map((d) => d.id)))
      .returning();
    const endpoints = await tx.select().from(webhookEndpoints).where(inArray(webhookEndpoints.id, [...new Set(rows.map((r) => r.endpointId))]));
    const byId = new Map(endpoints.map((e) => [e.id, e]));
    return rows.map((delivery) => ({ delivery, endpoint: byId.get(delivery.endpointId)! }));
  });
}

export type DeliveryOutcome = "delivered" | "retry" | "failed" | "lease_lost";

/** Sends one claimed delivery and records the attempt and its consequence. */
export async function deliver(db: Db, { delivery, endpoint }: Claimed, opts: DispatchOptions): Promise<DeliveryOutcome> {
  const timestamp = opts.now?.() ?? Math.floor(Date.now() / 1000);
  const result = await (opts.send ?? sendWebhook)({
    url: endpoint.url,
    body: delivery.body,
    headers: {
      "content-type": "application/json",
      "user-agent": "Loupe-Webhooks/1",
      [SIGNATURE_HEADER]: signatureHeader(endpoint.secret, timestamp, delivery.body),
      "x-loupe-event": delivery.event,
      "x-loupe-event-id": delivery.eventId,
      "x-loupe-delivery": delivery.id,
    },
    timeoutMs: WEBHOOK_TIMEOUT_MS,
    policy: opts.policy,
  });
  const ok = result.error === null && result.statusCode !== null && result.statusCode >= 200 && result.statusCode < 300;
  return db.transaction(async (tx) => {
    await tx.insert(webhookAttempts).values({
      id: newId("webhookAttempt"),
      deliveryId: delivery.id,
      attempt: delivery.attempts,
      statusCode: result.statusCode,
      error: result.error,
      durationMs: result.durationMs,
    });
    const mine = and(eq(webhookDeliveries.id, delivery.id), eq(webhookDeliveries.leaseOwner, opts.owner), eq(webhookDeliveries.status, "pending"));
    const common = { leaseOwner: null, leaseExpiresAt: null, lastStatusCode: result.statusCode, lastError: result.error };
    if (ok) {
      const done = await tx.update(webhookDeliveries).set({ ...common, status: "delivered", deliveredAt: sql`now()` }).where(mine).returning({ id: webhookDeliveries.id });
      return done.length ? "delivered" : "lease_lost";
    }
    const delay = retryDelayMs(delivery.attempts, opts.retryBaseMs, opts.random);
    if (delay !== null) {
      const moved = await tx
        .update(webhookDeliveries)
        .set({ ...common, nextAttemptAt: sql`now() + make_interval(secs => ${delay / 1000})` })
        .where(mine)
        .returning({ id: webhookDeliveries.id });
      return moved.length ? "retry" : "lease_lost";
    }
    const failed = await tx.update(webhookDeliveries).set({ ...common, status: "failed" }).where(mine).returning({ id: webhookDeliveries.id });
    if (!failed.length) return "lease_lost";
    // A key's endpoint that could not take one event over the whole retry schedule is switched off,
    // so its backlog stops growing; the admin notice says so until someone re-enables it.
    if (endpoint.jobId === null) {
      const reason = `Disabled after ${WEBHOOK_MAX_RETRIES + 1} failed attempts to deliver ${delivery.eventId} (last: ${result.error ?? `HTTP ${result.statusCode}`}).`;
      const off = await tx
        .update(webhookEndpoints)
        .set({ disabledAt: sql`now()`, disabledReason: reason })
        .where(and(eq(webhookEndpoints.id, endpoint.id), isNull(webhookEndpoints.disabledAt)))
        .returning({ id: webhookEndpoints.id });
      if (off.length) await writeAudit(tx, { type: "system" }, { action: "webhook.endpoint_disabled", targetType: "webhook_endpoint", targetId: endpoint.id, data: { reason } });
    }
    return "failed";
  });
}

/** One round: claim a batch and send it in parallel. Returns how many were claimed. */
export async function dispatchOnce(db: Db, opts: DispatchOptions, batch = 10): Promise<number> {
  const claimed = await claimDeliveries(db, opts.owner, batch);
  await Promise.all(claimed.map((c) => deliver(db, c, opts)));
  return claimed.length;
}

export interface Dispatcher {
  id: string;
  /** Resolves once listening (or once LISTEN failed, leaving the poll). */
  ready: Promise<void>;
  poke(): void;
  stop(timeoutMs?: number): Promise<void>;
}

export interface DispatcherOptions {
  db: Db;
  id?: string;
  pollMs?: number;
  /** LISTEN on the database (DbHandle.listen); without it the dispatcher only polls. */
  listen?: Listen;
  /** Overrides LOUPE_WEBHOOK_ALLOW_LOOPBACK (tests). */
  policy?: AddressPolicy;
  log?: (msg: string) => void;
  send?: SendFn;
}

/** The operator's settings (LOUPE_WEBHOOK_*). */
export function dispatchSettingsFromEnv(): Pick<DispatchOptions, "retryBaseMs" | "policy"> & { pollMs: number } {
  return { retryBaseMs: env.LOUPE_WEBHOOK_RETRY_BASE_MS, policy: { allowLoopback: env.LOUPE_WEBHOOK_ALLOW_LOOPBACK }, pollMs: env.LOUPE_WEBHOOK_POLL_MS };
}

export function startWebhookDispatcher(opts: DispatcherOptions): Dispatcher {
  const id = opts.id ?? newId("worker");
  const log = opts.log ?? ((m: string) => console.log(`[webhooks ${id}] ${redact(m)}`));
  const settings = dispatchSettingsFromEnv();
  const pollMs = opts.pollMs ?? settings.pollMs;
  const policy = opts.policy ?? settings.policy;
  let stopping = false;
  let wake: (() => void) | null = null;
  /** Set by a notice that came while a round was running: that round may have claimed too early. */
  let poked = false;
  const poke = () => {
    poked = true;
    wake?.();
  };

  let unlisten: (() => Promise<void>) | null = null;
  /** LISTEN once; after a failure (database down at start) the next round tries again. */
  async function listen(): Promise<void> {
    if (!opts.listen || unlisten || stopping) return;
    try {
      unlisten = await opts.listen(WEBHOOK_OUTBOX_CHANNEL, poke);
      if (stopping) await unlisten();
    } catch (err) {
      log(`LISTEN failed, polling every ${pollMs} ms until it works: ${(err as Error).message}`);
    }
  }
  const ready = listen();

  const loop = (async () => {
    await ready;
    while (!stopping) {
      let n = 0;
      poked = false;
      try {
        n = await dispatchOnce(opts.db, { owner: id, retryBaseMs: settings.retryBaseMs, policy, send: opts.send });
      } catch (err) {
        log(`dispatch failed: ${(err as Error).message}`);
      }
      if (n > 0 || poked || stopping) continue;
      await new Promise<void>((resolve) => {
        const t = setTimeout(done, pollMs);
        function done() {
          clearTimeout(t);
          wake = null;
          resolve();
        }
        wake = done;
      });
      await listen();
    }
  })();
  return {
    id,
    ready,
    poke,
    async stop(timeoutMs = 15_000) {
      stopping = true;
      wake?.();
      await Promise.race([loop, new Promise((r) => setTimeout(r, timeoutMs).unref?.())]);
      await unlisten?.().catch(() => {});
    },
  };
}
