// The per-key token bucket as admitApiKey takes from it: a burst up to the limit, refill at limit/60
// per second, the headers' numbers, a changed limit followed at once, and a clock behind the stored
// one. (Concurrent requests from two connection pools: ./admit-api-key.test.ts.)
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { apiKeys } from "../../db/schema";
import { useSharedTestDb } from "../testing/shared-test-db";
import { TEST_DB_KINDS } from "../testing/test-db";
import { admitApiKey } from "./admit-api-key";
import { createApiKey } from "./create-api-key";

const at = (s: number) => new Date(Date.UTC(2026, 11, 1, 12, 0, 0) + s * 1000);

describe.each(TEST_DB_KINDS)("token bucket on %s", (kind) => {
  const shared = useSharedTestDb(kind, "admin");
  const key = (rateLimitPerMinute: number) =>
    createApiKey({ ctx: { db: shared.t().db, actor: { type: "system" } }, input: { name: "t", userId: (shared.actor() as { id: string }).id, rateLimitPerMinute } });
  const take = async (secret: string, when: Date) => (await admitApiKey(shared.t().db, secret, {}, when))!.rateLimit;

  it("grants a burst of `limit`, then refuses with the wait for one token, then refills", async () => {
    const k = await key(3);
    const got = [];
    for (let i = 0; i < 4; i++) got.push(await take(k.secret, at(0)));
    expect(got.map((v) => [v.allowed, v.remaining])).toEqual([
      [true, 2],
      [true, 1],
      [true, 0],
      [false, 0],
    ]);
    // 3 a minute: one token every 20 s.
    expect(got[3]).toMatchObject({ limit: 3, retryAfterSeconds: 20, resetSeconds: 60 });
    expect(await take(k.secret, at(10))).toMatchObject({ allowed: false, retryAfterSeconds: 10 });
    expect(await take(k.secret, at(20))).toMatchObject({ allowed: true, remaining: 0 });
    // A long quiet spell fills the bucket only to its size.
    expect(await take(k.secret, at(3600))).toMatchObject({ allowed: true, remaining: 2, resetSeconds: 20 });
  });

  it("keeps keys' buckets apart, and a clock behind the stored one refills nothing", async () => {
    const a = await key(1);
    const b = await key(1);
    expect(await take(a.secret, at(0))).toMatchObject({ allowed: true });
    expect(await take(b.secret, at(0))).toMatchObject({ allowed: true });
    expect(await take(a.secret, at(-3600))).toMatchObject({ allowed: false });
    expect(await take(a.secret, at(59))).toMatchObject({ allowed: false });
    expect(await take(a.secret, at(60))).toMatchObject({ allowed: true });
  });

  it("follows a changed limit at once: a lowered limit caps the tokens held", async () => {
    const k = await key(100);
    await take(k.secret, at(0));
    await shared.t().db.update(apiKeys).set({ rateLimitPerMinute: 2 }).where(eq(apiKeys.id, k.key.id));
    expect(await take(k.secret, at(1))).toMatchObject({ allowed: true, limit: 2, remaining: 1 });
    expect(await take(k.secret, at(1))).toMatchObject({ allowed: true, remaining: 0 });
    expect(await take(k.secret, at(1))).toMatchObject({ allowed: false });
  });
});
