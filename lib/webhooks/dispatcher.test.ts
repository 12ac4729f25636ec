// The dispatcher against a real local receiver: signed POSTs, the delivery log, retries, giving up
// (which disables a key's endpoint), replays, the address check at send time, and — on PostgreSQL —
// two dispatchers with their own connection pools sending every delivery exactly once; a running
// dispatcher woken by the outbox's NOTIFY.
import { eq, sql } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { openDb, type Db, type DbHandle } from "../../db";
import { auditEvents, webhookAttempts, webhookDeliveries, webhookEndpoints, type Case } from "../../db/schema";
import { newId } from "../ids";
import { WEBHOOK_MAX_RETRIES } from "../limits";
import { createPostgresTestDb, createTestDb, insertTestUser, serverUrl, TEST_DB_KINDS, type TestDb } from "../testing/test-db";
import { startReceiver, type Receiver } from "../testing/webhook-receiver";
import { insertTestApiKey } from "../testing/webhook-fixtures";
import { claimDeliveries, dispatchOnce, startWebhookDispatcher, type Dispatcher, type DispatchOptions } from "./dispatcher";
import { enableWebhookEndpoint } from "./enable-webhook-endpoint";
import { enqueueEvent } from "./events";
import { notifyOutbox } from "./outbox-notice";
import { listDisabledEndpoints, listRecentDeliveries } from "./queries";
import { replayDelivery } from "./replay-delivery";
import { verifyWebhookSignature } from "./signature";

const SECRET = "whsec_dispatcher_test";

async function seed(db: Db, url: string, n: number) {
  const admin = await insertTestUser(db, "admin");
  const key = await insertTestApiKey(db, admin);
  const endpointId = newId("webhookEndpoint");
  await db.insert(webhookEndpoints).values({ id: endpointId, apiKeyId: key.id, url, secret: SECRET });
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const id = newId("webhookDelivery");
    const eventId = newId("webhookEvent");
    await db.insert(webhookDeliveries).values({ id, endpointId, eventId, event: "detection.completed", body: JSON.stringify({ id: eventId, type: "detection.completed", data: { i } }) });
    ids.push(id);
  }
  return { admin, endpointId, ids };
}

const delivery = async (db: Db, id: string) => (await db.select().from(webhookDeliveries).where(eq(webhookDeliveries.id, id)))[0]!;
/** Make every pending delivery due now, instead of waiting out the backoff. */
const makeDue = (db: Db) => db.update(webhookDeliveries).set({ nextAttemptAt: sql`now()` }).where(eq(webhookDeliveries.status, "pending"));

describe.each(TEST_DB_KINDS)("webhook dispatcher on %s", (kind) => {
  let t: TestDb;
  let receiver: Receiver;
  let opts: DispatchOptions;

  beforeEach(async () => {
    t = await createTestDb(kind);
    receiver = await startReceiver();
    opts = { owner: "wrk_test", retryBaseMs: 60_000, policy: { allowLoopback: true }, random: () => 0.5 };
  });
  afterEach(async () => {
    await receiver?.close();
    await t?.cleanup();
  });

  it("POSTs the body signed with the endpoint's secret and logs the attempt", async () => {
    const { ids } = await seed(t.db, receiver.url, 1);
    expect(await dispatchOnce(t.db, opts)).toBe(1);
    expect(receiver.received).toHaveLength(1);
    const got = receiver.received[0]!;
    const row = await delivery(t.db, ids[0]!);
    expect(got.body).toBe(row.body);
    expect(got.headers["content-type"]).toBe("application/json");
    expect(got.headers["x-loupe-event"]).toBe("detection.completed");
    expect(got.headers["x-loupe-event-id"]).toBe(row.eventId);
    expect(got.headers["x-loupe-delivery"]).toBe(row.id);
    expect(verifyWebhookSignature({ secret: SECRET, header: got.headers["x-loupe-signature"] as string, body: got.body })).toBe(true);
    expect(verifyWebhookSignature({ secret: "whsec_wrong", header: got.headers["x-loupe-signature"] as string, body: got.body })).toBe(false);
    expect(row).toMatchObject({ status: "delivered", attempts: 1, lastStatusCode: 200, lastError: null, leaseOwner: null });
    const log = await t.db.select().from(webhookAttempts).where(eq(webhookAttempts.deliveryId, row.id));
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({ attempt: 1, statusCode: 200, error: null });
    expect(log[0]!.durationMs).toBeGreaterThanOrEqual(0);
    expect(await dispatchOnce(t.db, opts)).toBe(0);
  });

  it("retries a 500 after the backoff, then delivers", async () => {
    const { ids } = await seed(t.db, receiver.url, 1);
    receiver.script.push(500);
    expect(await dispatchOnce(t.db, opts)).toBe(1);
    let row = await delivery(t.db, ids[0]!);
    expect(row).toMatchObject({ status: "pending", attempts: 1, lastStatusCode: 500, lastError: "HTTP 500" });
    // The first retry waits retryBaseMs (jitter pinned to the middle): not due yet.
    const wait = row.nextAttemptAt.getTime() - row.createdAt.getTime();
    expect(wait).toBeGreaterThan(50_000);
    expect(wait).toBeLessThan(70_000);
    expect(await dispatchOnce(t.db, opts)).toBe(0);
    await makeDue(t.db);
    expect(await dispatchOnce(t.db, opts)).toBe(1);
    row = await delivery(t.db, ids[0]!);
    expect(row).toMatchObject({ status: "delivered", attempts: 2, lastStatusCode: 200 });
    expect(receiver.received.map((r) => r.status)).toEqual([500, 200]);
    // The same bytes each time: the event id and body do not change between attempts.
    expect(new Set(receiver.received.map((r) => r.body)).size).toBe(1);
    const log = await t.db.select().from(webhookAttempts).where(eq(webhookAttempts.deliveryId, row.id)).orderBy(webhookAttempts.attempt);
    expect(log.map((a) => [a.attempt, a.statusCode])).toEqual([
      [1, 500],
      [2, 200],
    ]);
  });

  it("gives up after the last retry, disables the key's endpoint with a notice, and a replay sends again once re-enabled", async () => {
    const { admin, endpointId, ids } = await seed(t.db, receiver.url, 1);
    receiver.script.push(...Array(WEBHOOK_MAX_RETRIES + 1).fill(503));
    for (let i = 0; i <= WEBHOOK_MAX_RETRIES; i++) {
      await makeDue(t.db);
      expect(await dispatchOnce(t.db, opts)).toBe(1);
    }
    const row = await delivery(t.db, ids[0]!);
    expect(row).toMatchObject({ status: "failed", attempts: WEBHOOK_MAX_RETRIES + 1, lastStatusCode: 503 });
    const [endpoint] = await t.db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, endpointId));
    expect(endpoint!.disabledAt).not.toBeNull();
    expect(endpoint!.disabledReason).toContain(row.eventId);
    expect((await listDisabledEndpoints(t.db)).map((e) => e.id)).toEqual([endpointId]);
    const audit = await t.db.select().from(auditEvents).where(eq(auditEvents.action, "webhook.endpoint_disabled"));
    expect(audit.map((a) => a.targetId)).toEqual([endpointId]);

    // A disabled endpoint receives nothing, and replays wait for it to be re-enabled.
    const later = newId("webhookDelivery");
    await t.db.insert(webhookDeliveries).values({ id: later, endpointId, eventId: newId("webhookEvent"), event: "case.cleared", body: "{}" });
    expect(await dispatchOnce(t.db, opts)).toBe(0);
    const ctx = { db: t.db, actor: admin };
    await expect(replayDelivery({ ctx, input: { deliveryId: row.id } })).rejects.toMatchObject({ code: "conflict" });

    await enableWebhookEndpoint({ ctx, input: { endpointId } });
    expect(await listDisabledEndpoints(t.db)).toHaveLength(0);
    const replay = await replayDelivery({ ctx, input: { deliveryId: row.id } });
    expect(replay).toMatchObject({ eventId: row.eventId, body: row.body, status: "pending", attempts: 0 });
    expect(await dispatchOnce(t.db, opts)).toBe(2);
    expect((await delivery(t.db, replay.id)).status).toBe("delivered");
    expect((await delivery(t.db, later)).status).toBe("delivered");
    const log = await listRecentDeliveries(t.db);
    expect(log.find((d) => d.id === row.id)?.log).toHaveLength(WEBHOOK_MAX_RETRIES + 1);
  });

  it("refuses a loopback receiver at send time unless the test flag allows it", async () => {
    const { ids } = await seed(t.db, receiver.url, 1);
    expect(await dispatchOnce(t.db, { ...opts, policy: { allowLoopback: false } })).toBe(1);
    expect(receiver.received).toHaveLength(0);
    const row = await delivery(t.db, ids[0]!);
    expect(row.status).toBe("pending");
    expect(row.lastStatusCode).toBeNull();
    expect(row.lastError).toMatch(/private, loopback or reserved/);
  });

  it("refuses a host name that resolves to loopback at send time (the connection uses the checked address)", async () => {
    const { ids } = await seed(t.db, receiver.url.replace("127.0.0.1", "localhost"), 1);
    expect(await dispatchOnce(t.db, { ...opts, policy: { allowLoopback: false } })).toBe(1);
    expect(receiver.received).toHaveLength(0);
    expect((await delivery(t.db, ids[0]!)).lastError).toMatch(/localhost resolves to a private, loopback or reserved address/);
    await makeDue(t.db);
    expect(await dispatchOnce(t.db, opts)).toBe(1);
    expect(receiver.received).toHaveLength(1);
  });

  it("a claimed delivery is not claimed again while its lease holds", async () => {
    await seed(t.db, receiver.url, 3);
    const first = await claimDeliveries(t.db, "wrk_a", 10);
    expect(first).toHaveLength(3);
    expect(await claimDeliveries(t.db, "wrk_b", 10)).toHaveLength(0);
    // A dispatcher that died: its leases expire and another one takes the rows.
    await t.db.update(webhookDeliveries).set({ leaseExpiresAt: sql`now() - interval '1 second'` });
    const second = await claimDeliveries(t.db, "wrk_b", 10);
    expect(second.map((c) => c.delivery.attempts)).toEqual([2, 2, 2]);
  });
});

describe.skipIf(!serverUrl)("two dispatchers on PostgreSQL (needs DATABASE_URL)", () => {
  let t: TestDb;
  let receiver: Receiver;
  const pools: DbHandle[] = [];

  beforeAll(async () => {
    t = await createPostgresTestDb(serverUrl!);
    receiver = await startReceiver();
    for (let i = 0; i < 2; i++) pools.push(await openDb({ url: t.url!, migrate: false }));
  });
  afterAll(async () => {
    for (const p of pools) await p.close();
    await receiver?.close();
    await t?.cleanup();
  });

  it("sends each of 40 deliveries exactly once", async () => {
    const { ids } = await seed(t.db, receiver.url, 40);
    const run = async (db: Db, owner: string) => {
      const opts: DispatchOptions = { owner, retryBaseMs: 60_000, policy: { allowLoopback: true } };
      // Small batches, so the two interleave rather than one taking everything at once.
      while ((await dispatchOnce(db, opts, 3)) > 0);
    };
    await Promise.all([run(pools[0]!.db, "wrk_one"), run(pools[1]!.db, "wrk_two")]);
    const sent = receiver.received.map((r) => r.headers["x-loupe-delivery"] as string);
    expect(sent.sort()).toEqual([...ids].sort());
    const rows = await t.db.select().from(webhookDeliveries);
    expect(rows.every((r) => r.status === "delivered" && r.attempts === 1)).toBe(true);
    expect(await t.db.select().from(webhookAttempts)).toHaveLength(40);
  });
});

describe.each(TEST_DB_KINDS)("dispatcher wake-ups on %s", (kind) => {
  let t: TestDb;
  let receiver: Receiver;
  let other: DbHandle | null = null;
  let dispatcher: Dispatcher | null = null;

  beforeEach(async () => {
    t = await createTestDb(kind);
    receiver = await startReceiver();
    // On PostgreSQL the rows are written through a pool of their own, as another process would.
    other = t.url ? await openDb({ url: t.url, migrate: false }) : null;
  });
  afterEach(async () => {
    await dispatcher?.stop(5_000);
    dispatcher = null;
    await other?.close();
    await receiver?.close();
    await t?.cleanup();
  });

  it("an outbox row committed elsewhere is sent at once, not at the next poll", async () => {
    const writer = other?.db ?? t.db;
    const { endpointId } = await seed(writer, receiver.url, 0);
    // A poll of a minute: within the test's 10 s, only the NOTIFY can explain a delivery.
    dispatcher = startWebhookDispatcher({ db: t.db, listen: t.listen, pollMs: 60_000, policy: { allowLoopback: true }, log: () => {} });
    await dispatcher.ready;
    // The first round found nothing; the dispatcher now sleeps until woken.
    await new Promise((r) => setTimeout(r, 200));
    const [endpoint] = await writer.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, endpointId));
    // enqueueEvent reads only the case's id and API key.
    const c = { id: newId("case"), apiKeyId: endpoint!.apiKeyId } as Case;
    await writer.transaction((tx) => enqueueEvent(tx, { event: "case.cleared", case: c, data: {} }));
    await expect.poll(() => receiver.received.length, { timeout: 10_000 }).toBe(1);
    expect(receiver.received[0]!.headers["x-loupe-event"]).toBe("case.cleared");
  });

  it("without LISTEN the same row waits for the poll", async () => {
    await seed(t.db, receiver.url, 0);
    dispatcher = startWebhookDispatcher({ db: t.db, pollMs: 60_000, policy: { allowLoopback: true }, log: () => {} });
    await dispatcher.ready;
    await new Promise((r) => setTimeout(r, 200));
    const [endpoint] = await t.db.select().from(webhookEndpoints);
    await t.db.transaction(async (tx) => {
      await tx.insert(webhookDeliveries).values({ id: newId("webhookDelivery"), endpointId: endpoint!.id, eventId: newId("webhookEvent"), event: "case.cleared", body: "{}" });
      await notifyOutbox(tx);
    });
    await new Promise((r) => setTimeout(r, 1_000));
    expect(receiver.received).toHaveLength(0);
    dispatcher.poke();
    await expect.poll(() => receiver.received.length, { timeout: 10_000 }).toBe(1);
  });
});
