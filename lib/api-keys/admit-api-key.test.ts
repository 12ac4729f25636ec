// admitApiKey: the one statement behind every API-key request (key check, bucket, usage, last used);
// admitApiKeys, several requests of a key in one statement; admitQueued, which gathers them.
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { openDb } from "../../db";
import { apiKeys, apiUsage } from "../../db/schema";
import type { ApiKeyScope } from "../../db/schema/enums";
import { useSharedTestDb } from "../testing/shared-test-db";
import { TEST_DB_KINDS } from "../testing/test-db";
import { admitApiKey, admitApiKeys } from "./admit-api-key";
import { admitQueued, admitQueueStats } from "./admit-queue";
import { createApiKey } from "./create-api-key";
import { assignPolicy } from "../policies/assign-policy";
import { resolvePolicy } from "../policies/resolve-policy";
import { savePolicy } from "../policies/save-policy";
import { revokeApiKey } from "./revoke-api-key";

const system = { type: "system" } as const;

describe.each(TEST_DB_KINDS)("admitApiKey on %s", (kind) => {
  const shared = useSharedTestDb(kind, "admin");
  const key = (opts: { rateLimitPerMinute?: number; test?: boolean; monthlyImageQuota?: number; scopes?: ApiKeyScope[] } = {}) =>
    createApiKey({ ctx: { db: shared.t().db, actor: system }, input: { name: "t", userId: (shared.actor() as { id: string }).id, ...opts } });

  it("answers the actor and the bucket's verdict; counts live requests the bucket let through; refuses unknown and revoked keys", async () => {
    const db = shared.t().db;
    const k = await key({ rateLimitPerMinute: 2 });
    const first = await admitApiKey(db, k.secret);
    expect(first?.actor).toMatchObject({ type: "api_key", id: k.key.id, key: { id: k.key.id, lineageId: k.key.id, mode: "live", rateLimitPerMinute: 2 } });
    expect(first?.actor.key.scopes).toEqual(k.key.scopes);
    expect(first?.rateLimit).toMatchObject({ allowed: true, limit: 2, remaining: 1 });
    expect((await admitApiKey(db, k.secret))?.rateLimit).toMatchObject({ allowed: true, remaining: 0 });
    expect((await admitApiKey(db, k.secret))?.rateLimit).toMatchObject({ allowed: false, remaining: 0, retryAfterSeconds: expect.any(Number) });
    const [usage] = await db.select().from(apiUsage).where(eq(apiUsage.lineageId, k.key.id));
    expect(usage?.requests).toBe(2);
    const [row] = await db.select().from(apiKeys).where(eq(apiKeys.id, k.key.id));
    expect(row?.lastUsedAt).toBeInstanceOf(Date);
    expect(await admitApiKey(db, "lp_live_unknown")).toBeNull();
    await revokeApiKey({ ctx: { db, actor: system }, input: { keyId: k.key.id } });
    expect(await admitApiKey(db, k.secret)).toBeNull();
  });

  it("resolves the key's policy for an origin in the same statement, as resolvePolicy does", async () => {
    const db = shared.t().db;
    const ctx = { db, actor: system };
    const k = await key();
    const policyOf = async () => (await admitApiKey(db, k.secret, { policyOrigin: "api" }))?.policy;
    expect((await admitApiKey(db, k.secret))?.policy).toBeNull();
    // No rule for the key: what resolvePolicy answers (the origin's rule or the default), every column alike.
    expect(await policyOf()).toEqual({ ...(await resolvePolicy(db, { apiKeyId: k.key.id, origin: "api" })), origin: "api" });
    const mine = await savePolicy({ ctx, input: { name: `key-${k.key.id}`, quarantineThreshold: 33, inconclusiveAction: "clear" } });
    await assignPolicy({ ctx, input: { apiKeyId: k.key.id, policyId: mine.id } });
    const resolved = await policyOf();
    expect(resolved).toMatchObject({ rule: "api_key", origin: "api", policy: { id: mine.id, quarantineThreshold: 33, inconclusiveAction: "clear" } });
    expect(resolved?.policy.createdAt).toBeInstanceOf(Date);
    expect(resolved).toEqual({ ...(await resolvePolicy(db, { apiKeyId: k.key.id, origin: "api" })), origin: "api" });
  });

  it("counts nothing for a test key", async () => {
    const db = shared.t().db;
    const k = await key({ test: true });
    expect((await admitApiKey(db, k.secret))?.actor.key.mode).toBe("test");
    expect(await db.select().from(apiUsage).where(eq(apiUsage.lineageId, k.key.id))).toEqual([]);
  });

  it("grants exactly the limit of many concurrent requests, from two connection pools on PostgreSQL", async () => {
    const t = shared.t();
    const other = t.url ? await openDb({ url: t.url, migrate: false }) : null;
    try {
      const k = await key({ rateLimitPerMinute: 15 });
      const pools = other ? [t.db, other.db] : [t.db];
      const verdicts = await Promise.all(Array.from({ length: 40 }, (_, i) => admitApiKey(pools[i % pools.length]!, k.secret)));
      expect(verdicts.filter((v) => v?.rateLimit.allowed)).toHaveLength(15);
      const [usage] = await t.db.select().from(apiUsage).where(eq(apiUsage.lineageId, k.key.id));
      expect(usage?.requests).toBe(15);
    } finally {
      await other?.close();
    }
  });

  it("charges a route's images in the same statement: live key with the scope, let through, within the quota, today's row there", async () => {
    const db = shared.t().db;
    const charge = { n: 1, scope: "detect" as const };
    const usage = async (id: string) => (await db.select().from(apiUsage).where(eq(apiUsage.lineageId, id))).map((r) => [r.requests, r.images]);
    const k = await key({ monthlyImageQuota: 2, rateLimitPerMinute: 5 });
    // The day's first request makes the row and charges nothing (chargeImages does, with its own guard).
    expect(await admitApiKey(db, k.secret, { chargeImages: charge })).toMatchObject({ imagesCharged: 0, day: new Date().toISOString().slice(0, 10) });
    expect((await admitApiKey(db, k.secret, { chargeImages: charge }))?.imagesCharged).toBe(1);
    expect((await admitApiKey(db, k.secret, { chargeImages: { n: 2, scope: "detect" } }))?.imagesCharged).toBe(0); // 1 + 2 > 2
    expect((await admitApiKey(db, k.secret, { chargeImages: charge }))?.imagesCharged).toBe(1);
    expect((await admitApiKey(db, k.secret, { chargeImages: charge }))?.imagesCharged).toBe(0); // the quota is used up
    expect(await usage(k.key.id)).toEqual([[5, 2]]);
    // The bucket refused it: neither counted nor charged.
    expect(await admitApiKey(db, k.secret, { chargeImages: charge })).toMatchObject({ imagesCharged: 0, rateLimit: { allowed: false } });
    expect(await usage(k.key.id)).toEqual([[5, 2]]);

    const noScope = await key({ scopes: ["cases:read"] });
    await admitApiKey(db, noScope.secret);
    expect((await admitApiKey(db, noScope.secret, { chargeImages: charge }))?.imagesCharged).toBe(0);
    expect(await usage(noScope.key.id)).toEqual([[2, 0]]);
    const test = await key({ test: true });
    expect((await admitApiKey(db, test.secret, { chargeImages: charge }))?.imagesCharged).toBe(0);
    expect(await usage(test.key.id)).toEqual([]);
  });

  it("charges exactly the quota of many concurrent requests, from two connection pools on PostgreSQL", async () => {
    const t = shared.t();
    const other = t.url ? await openDb({ url: t.url, migrate: false }) : null;
    try {
      const k = await key({ monthlyImageQuota: 12 });
      await admitApiKey(t.db, k.secret); // today's row
      const pools = other ? [t.db, other.db] : [t.db];
      const admitted = await Promise.all(Array.from({ length: 30 }, (_, i) => admitApiKey(pools[i % pools.length]!, k.secret, { chargeImages: { n: 1, scope: "detect" } })));
      expect(admitted.filter((a) => a?.imagesCharged === 1)).toHaveLength(12);
      const [usage] = await t.db.select().from(apiUsage).where(eq(apiUsage.lineageId, k.key.id));
      expect([usage?.requests, usage?.images]).toEqual([31, 12]);
    } finally {
      await other?.close();
    }
  });
});

describe.each(TEST_DB_KINDS)("admitApiKeys and admitQueued on %s", (kind) => {
  const shared = useSharedTestDb(kind, "admin");
  const key = (opts: { rateLimitPerMinute?: number; test?: boolean; monthlyImageQuota?: number; scopes?: ApiKeyScope[] } = {}) =>
    createApiKey({ ctx: { db: shared.t().db, actor: system }, input: { name: "t", userId: (shared.actor() as { id: string }).id, ...opts } });
  const usage = async (id: string) => (await shared.t().db.select().from(apiUsage).where(eq(apiUsage.lineageId, id))).map((r) => [r.requests, r.images]);

  it("admits a batch as if its requests came one after another: the first ones the bucket holds tokens for, counted and charged", async () => {
    const db = shared.t().db;
    const k = await key({ rateLimitPerMinute: 5, monthlyImageQuota: 3 });
    const now = new Date();
    // A fresh bucket of 5: the first 5 of 7 go through, each leaving one token fewer.
    const first = await admitApiKeys(db, k.secret, {}, 7, now);
    expect(first?.map((a) => [a.rateLimit.allowed, a.rateLimit.remaining])).toEqual([[true, 4], [true, 3], [true, 2], [true, 1], [true, 0], [false, 0], [false, 0]]);
    expect(first?.[6]?.rateLimit.retryAfterSeconds).toBeGreaterThan(0);
    expect(await usage(k.key.id)).toEqual([[5, 0]]);
    // 36 s later the bucket has refilled 3 tokens: 3 of 4 go through; the quota of 3 has room for 3
    // one-image requests (today's row is there), for one two-image request.
    const later = new Date(now.getTime() + 36_000);
    const second = await admitApiKeys(db, k.secret, { chargeImages: { n: 2, scope: "detect" } }, 4, later);
    expect(second?.map((a) => [a.rateLimit.allowed, a.imagesCharged])).toEqual([[true, 2], [true, 0], [true, 0], [false, 0]]);
    expect(await usage(k.key.id)).toEqual([[8, 2]]);
    const third = await admitApiKeys(db, k.secret, { chargeImages: { n: 1, scope: "detect" } }, 3, new Date(later.getTime() + 60_000));
    expect(third?.map((a) => [a.rateLimit.allowed, a.imagesCharged])).toEqual([[true, 1], [true, 0], [true, 0]]);
    expect(await usage(k.key.id)).toEqual([[11, 3]]);
    expect(await admitApiKeys(db, "lp_live_unknown", {}, 3)).toBeNull();
    await expect(admitApiKeys(db, k.secret, {}, 0)).rejects.toThrow(RangeError);
  });

  it("gathers a key's concurrent requests into few statements, with the verdicts one at a time would give", async () => {
    const db = shared.t().db;
    const k = await key({ rateLimitPerMinute: 20, monthlyImageQuota: 9 });
    await admitApiKey(db, k.secret); // today's row, and 19 tokens left
    const before = { ...admitQueueStats };
    const admitted = await Promise.all(Array.from({ length: 30 }, () => admitQueued(db, k.secret, { policyOrigin: "api", chargeImages: { n: 1, scope: "detect" } })));
    expect(admitQueueStats.requests - before.requests).toBe(30);
    expect(admitQueueStats.statements - before.statements).toBeLessThan(30);
    expect(admitted.filter((a) => a?.rateLimit.allowed)).toHaveLength(19);
    expect(admitted.filter((a) => a?.imagesCharged === 1)).toHaveLength(9);
    expect(admitted.every((a) => a?.actor.id === k.key.id && a.policy?.policy.id)).toBe(true);
    // Remaining counts down once each, over the granted requests.
    expect(admitted.filter((a) => a?.rateLimit.allowed).map((a) => a!.rateLimit.remaining).sort((a, b) => b - a)).toEqual(Array.from({ length: 19 }, (_, i) => 18 - i));
    expect(await usage(k.key.id)).toEqual([[20, 9]]);
    // Different keys and options are separate groups; a key that does not authenticate answers null.
    const other = await key();
    const mixed = await Promise.all([admitQueued(db, k.secret), admitQueued(db, other.secret), admitQueued(db, "lp_live_nope"), admitQueued(db, "not a key")]);
    expect(mixed.map((a) => a?.actor.id ?? null)).toEqual([k.key.id, other.key.id, null, null]);
  });

  it("grants exactly the limit and charges exactly the quota across two PostgreSQL pools, each gathering its own requests", async () => {
    const t = shared.t();
    const other = t.url ? await openDb({ url: t.url, migrate: false }) : null;
    try {
      const k = await key({ rateLimitPerMinute: 25, monthlyImageQuota: 12 });
      await admitApiKey(t.db, k.secret); // today's row
      const pools = other ? [t.db, other.db] : [t.db];
      const admitted = await Promise.all(Array.from({ length: 40 }, (_, i) => admitQueued(pools[i % pools.length]!, k.secret, { chargeImages: { n: 1, scope: "detect" } })));
      expect(admitted.filter((a) => a?.rateLimit.allowed)).toHaveLength(24);
      expect(admitted.filter((a) => a?.imagesCharged === 1)).toHaveLength(12);
      expect(await usage(k.key.id)).toEqual([[25, 12]]);
    } finally {
      await other?.close();
    }
  });

  it("gives every request of a batch the statement's error", async () => {
    const k = await key();
    const broken = { execute: () => Promise.reject(new Error("connection lost")) } as unknown as Parameters<typeof admitQueued>[0];
    const results = await Promise.allSettled([admitQueued(broken, k.secret), admitQueued(broken, k.secret), admitQueued(broken, k.secret)]);
    expect(results.map((r) => r.status)).toEqual(["rejected", "rejected", "rejected"]);
    // The group is gone once its statement failed: the next request tries again.
    expect((await admitQueued(shared.t().db, k.secret))?.actor.id).toBe(k.key.id);
  });
});
