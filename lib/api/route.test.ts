// apiRoute end to end on both databases, with keys made by the verbs: scopes, rate-limit headers and
// 429, usage counted for live keys only, the monthly quota's 402, rotation's grace period, and
// Idempotency-Key (replay, a different body, a request still in flight).
import { and, eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { apiKeys, apiUsage } from "../../db/schema";
import type { ApiKeyScope } from "../../db/schema/enums";
import { createApiKey } from "../api-keys/create-api-key";
import { revokeApiKey } from "../api-keys/revoke-api-key";
import { rotateApiKey } from "../api-keys/rotate-api-key";
import { useSharedTestDb } from "../testing/shared-test-db";
import { TEST_DB_KINDS } from "../testing/test-db";
import { DEFAULT_RATE_LIMIT_PER_MINUTE } from "../limits";
import { AppError } from "../errors";
import { readJsonLimited } from "./read-body";
import { apiRoute, type RouteOptions } from "./route";

const system = { type: "system" } as const;
const globalForDb = globalThis as unknown as { __loupeDb?: Promise<unknown> };

describe.each(TEST_DB_KINDS)("apiRoute on %s", (kind) => {
  const shared = useSharedTestDb(kind, "admin");
  // apiRoute opens the process-wide database: point it at this file's test database.
  beforeEach(() => {
    globalForDb.__loupeDb = Promise.resolve(shared.t());
  });
  afterEach(() => {
    globalForDb.__loupeDb = undefined;
  });

  async function key(opts: { scopes?: ApiKeyScope[]; test?: boolean; rateLimitPerMinute?: number; monthlyImageQuota?: number } = {}) {
    const ctx = { db: shared.t().db, actor: system };
    const userId = (shared.actor() as { id: string }).id;
    return createApiKey({ ctx, input: { name: "t", userId, ...opts } });
  }

  type Route = (req: Request, segment: { params: Promise<Record<string, never>> }) => Promise<Response>;
  function call(route: Route, secret: string | null, init: { method?: string; body?: string; headers?: Record<string, string> } = {}) {
    const headers: Record<string, string> = { ...(secret ? { authorization: `Bearer ${secret}` } : {}), ...init.headers };
    const req = new Request("http://loupe.test/api/v1/thing?x=1", { method: init.method ?? "GET", headers, body: init.body });
    return route(req, { params: Promise.resolve({} as Record<string, never>) });
  }

  const opts: RouteOptions = { permission: "viewQueue", scope: "cases:read" };

  it("checks the key's scope (403) as well as the role, and answers with request id and rate-limit headers", async () => {
    const route = apiRoute(opts, async () => ({ ok: true }));
    const reader = await key({ scopes: ["cases:read"] });
    const writer = await key({ scopes: ["cases:write"] });
    const ok = await call(route, reader.secret);
    expect(ok.status).toBe(200);
    expect(ok.headers.get("x-request-id")).toMatch(/^req_/);
    expect(ok.headers.get("x-ratelimit-limit")).toBe(String(DEFAULT_RATE_LIMIT_PER_MINUTE));
    expect(ok.headers.get("x-ratelimit-remaining")).toBe(String(DEFAULT_RATE_LIMIT_PER_MINUTE - 1));
    expect(Number(ok.headers.get("x-ratelimit-reset"))).toBeGreaterThan(0);
    // The security headers: the proxy skips /api/v1, so the API layer sets them, on errors too.
    for (const res of [ok, await call(route, null)]) {
      expect(res.headers.get("content-security-policy")).toBe("default-src 'none'; frame-ancestors 'none'");
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      expect(res.headers.get("x-frame-options")).toBe("DENY");
    }
    const denied = await call(route, writer.secret);
    expect(denied.status).toBe(403);
    expect((await denied.json()).error.message).toMatch(/cases:read/);
    expect(denied.headers.get("x-ratelimit-remaining")).toBe(String(DEFAULT_RATE_LIMIT_PER_MINUTE - 1));
    const viaHeader = await route(new Request("http://loupe.test/x", { headers: { "x-api-key": reader.secret } }), { params: Promise.resolve({} as Record<string, never>) });
    expect(viaHeader.status).toBe(200);
    expect((await call(route, "lp_live_nope")).status).toBe(401);
  });

  it("answers 429 rate_limited with Retry-After once the key's bucket is empty", async () => {
    const route = apiRoute(opts, async () => ({ ok: true }));
    const k = await key({ rateLimitPerMinute: 2 });
    expect((await call(route, k.secret)).status).toBe(200);
    expect((await call(route, k.secret)).status).toBe(200);
    const res = await call(route, k.secret);
    expect(res.status).toBe(429);
    expect((await res.json()).error.code).toBe("rate_limited");
    expect(res.headers.get("x-ratelimit-limit")).toBe("2");
    expect(res.headers.get("x-ratelimit-remaining")).toBe("0");
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
  });

  it("counts live keys' requests and images, never a test key's; the quota answers 402", async () => {
    const route = apiRoute({ permission: "submit", scope: "cases:write" }, async (_req, { chargeImages }) => {
      await chargeImages(1);
      return { ok: true };
    });
    const live = await key({ monthlyImageQuota: 2 });
    const test = await key({ test: true, monthlyImageQuota: 0 });
    expect(test.secret).toMatch(/^lp_test_/);
    expect(live.secret).toMatch(/^lp_live_/);
    expect((await call(route, live.secret, { method: "POST" })).status).toBe(200);
    expect((await call(route, live.secret, { method: "POST" })).status).toBe(200);
    const over = await call(route, live.secret, { method: "POST" });
    expect(over.status).toBe(402);
    expect((await over.json()).error.code).toBe("quota_exceeded");
    // A test key runs despite a quota of 0, and leaves no usage.
    expect((await call(route, test.secret, { method: "POST" })).status).toBe(200);
    const db = shared.t().db;
    const rows = await db.select().from(apiUsage).where(eq(apiUsage.lineageId, live.key.id));
    expect(rows.map((r) => [r.requests, r.images])).toEqual([[3, 2]]);
    expect(await db.select().from(apiUsage).where(eq(apiUsage.lineageId, test.key.id))).toEqual([]);
  });

  it("charges a one-image route's image while admitting the key, and gives it back when the handler did not spend it", async () => {
    let fail = false;
    const route = apiRoute({ permission: "submit", scope: "cases:write", images: 1 }, async (_req, { chargeImages }) => {
      if (fail) throw new AppError("invalid_request", "bad input");
      await chargeImages(1);
      return { ok: true };
    });
    const db = shared.t().db;
    const usage = async (id: string) => (await db.select().from(apiUsage).where(eq(apiUsage.lineageId, id))).map((r) => [r.requests, r.images]);
    const live = await key({ monthlyImageQuota: 3 });
    const post = (headers: Record<string, string> = {}) => call(route, live.secret, { method: "POST", body: "{}", headers });
    // The first of the day is charged by the handler's statement, the next by the admission.
    expect((await post()).status).toBe(200);
    expect((await post()).status).toBe(200);
    expect(await usage(live.key.id)).toEqual([[2, 2]]);
    // Failed before spending it: given back.
    fail = true;
    expect((await post()).status).toBe(400);
    expect(await usage(live.key.id)).toEqual([[3, 2]]);
    fail = false;
    // An idempotent replay spends nothing.
    expect((await post({ "idempotency-key": "once" })).status).toBe(200);
    expect(await usage(live.key.id)).toEqual([[4, 3]]);
    const replay = await post({ "idempotency-key": "once" });
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    expect(await usage(live.key.id)).toEqual([[5, 3]]);
    // The quota holds as before.
    const over = await post();
    expect(over.status).toBe(402);
    expect((await over.json()).error.code).toBe("quota_exceeded");
    expect(await usage(live.key.id)).toEqual([[6, 3]]);
    // A session or a route that charges more than it prepaid still goes through chargeImages.
    const two = apiRoute({ permission: "submit", scope: "cases:write", images: 1 }, async (_req, { chargeImages }) => {
      await chargeImages(2);
      return { ok: true };
    });
    const other = await key({ monthlyImageQuota: 10 });
    await call(two, other.secret, { method: "POST", body: "{}" });
    await call(two, other.secret, { method: "POST", body: "{}" });
    expect(await usage(other.key.id)).toEqual([[2, 4]]);
  });

  it("keeps a rotated key working through its grace period only; a revoked key stops at once", async () => {
    const route = apiRoute(opts, async () => ({ ok: true }));
    const db = shared.t().db;
    const ctx = { db, actor: system };
    const old = await key();
    const rotated = await rotateApiKey({ ctx, input: { keyId: old.key.id, graceHours: 1 } });
    expect(rotated.key.lineageId).toBe(old.key.id);
    expect((await call(route, old.secret)).status).toBe(200);
    expect((await call(route, rotated.secret)).status).toBe(200);
    await expect(rotateApiKey({ ctx, input: { keyId: old.key.id } })).rejects.toMatchObject({ code: "conflict" });
    await db.update(apiKeys).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(apiKeys.id, old.key.id));
    expect((await call(route, old.secret)).status).toBe(401);
    expect((await call(route, rotated.secret)).status).toBe(200);
    await revokeApiKey({ ctx, input: { keyId: rotated.key.id } });
    expect((await call(route, rotated.secret)).status).toBe(401);
  });

  it("replays an Idempotency-Key's response, refuses it with another body, and while the first is running", async () => {
    let runs = 0;
    const route = apiRoute({ permission: "submit", scope: "cases:write" }, async (req) => {
      const body = (await readJsonLimited(req)) as { n: number };
      runs++;
      return Response.json({ run: runs, n: body.n }, { status: 201, headers: { location: `/things/${runs}` } });
    });
    const k = await key();
    const post = (idem: string, body: string) => call(route, k.secret, { method: "POST", body, headers: { "idempotency-key": idem, "content-type": "application/json" } });
    const first = await post("k1", '{"n":1}');
    expect(first.status).toBe(201);
    expect(await first.json()).toEqual({ run: 1, n: 1 });
    const again = await post("k1", '{"n":1}');
    expect(again.status).toBe(201);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(again.headers.get("location")).toBe("/things/1");
    expect(again.headers.get("x-request-id")).not.toBe(first.headers.get("x-request-id"));
    expect(await again.json()).toEqual({ run: 1, n: 1 });
    const other = await post("k1", '{"n":2}');
    expect(other.status).toBe(409);
    expect((await other.json()).error.code).toBe("idempotency_conflict");
    expect(runs).toBe(1);
    // Without the header, or with another key, the route runs each time.
    expect(await (await call(route, k.secret, { method: "POST", body: '{"n":1}' })).json()).toEqual({ run: 2, n: 1 });
    expect(await (await post("k2", '{"n":1}')).json()).toEqual({ run: 3, n: 1 });
    // Another API key has its own keyspace.
    const k2 = await key();
    const mine = await call(route, k2.secret, { method: "POST", body: '{"n":1}', headers: { "idempotency-key": "k1" } });
    expect(await mine.json()).toEqual({ run: 4, n: 1 });

    let release!: () => void;
    let started!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const running = new Promise<void>((r) => (started = r));
    const slow = apiRoute({ permission: "submit", scope: "cases:write" }, async () => {
      started();
      await gate;
      return { done: true };
    });
    const firstSlow = call(slow, k.secret, { method: "POST", body: "{}", headers: { "idempotency-key": "slow" } });
    await running;
    const dup = await call(slow, k.secret, { method: "POST", body: "{}", headers: { "idempotency-key": "slow" } });
    expect(dup.status).toBe(409);
    expect((await dup.json()).error.message).toMatch(/still being processed/);
    release();
    expect((await firstSlow).status).toBe(200);
    expect((await call(slow, k.secret, { method: "POST", body: "{}", headers: { "idempotency-key": "slow" } })).headers.get("idempotent-replayed")).toBe("true");
  });

  it("stores a 4xx answer for replay, and gives the key back after a 5xx", async () => {
    let fail = true;
    let runs = 0;
    const route = apiRoute({ permission: "submit", scope: "cases:write" }, async () => {
      runs++;
      if (fail) throw new Error("boom");
      return { ok: true };
    });
    const k = await key();
    const post = () => call(route, k.secret, { method: "POST", body: "x", headers: { "idempotency-key": "e1" } });
    expect((await post()).status).toBe(500);
    fail = false;
    expect((await post()).status).toBe(200);
    expect(runs).toBe(2);
    const bad = apiRoute({ permission: "submit", scope: "cases:write" }, async (req) => readJsonLimited(req) as Promise<object>);
    const r1 = await call(bad, k.secret, { method: "POST", body: "not json", headers: { "idempotency-key": "e2" } });
    const r2 = await call(bad, k.secret, { method: "POST", body: "not json", headers: { "idempotency-key": "e2" } });
    expect([r1.status, r2.status, r2.headers.get("idempotent-replayed")]).toEqual([400, 400, "true"]);
    const long = await call(bad, k.secret, { method: "POST", body: "{}", headers: { "idempotency-key": "x".repeat(256) } });
    expect(long.status).toBe(400);
    const stored = await shared.t().db.select().from(apiKeys).where(and(eq(apiKeys.id, k.key.id)));
    expect(stored[0]!.lastUsedAt).not.toBeNull();
  });
});
