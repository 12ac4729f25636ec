// The per-key token bucket in the database: a burst up to the limit, refill at limit/60 per second,
// the headers' numbers, and — on PostgreSQL — two server processes (two connection pools) taking
// from one bucket at once without either over-granting.
import { describe, expect, it } from "vitest";
import { openDb } from "../../db";
import { useSharedTestDb } from "../testing/shared-test-db";
import { TEST_DB_KINDS } from "../testing/test-db";
import { takeToken } from "./rate-limit";

const at = (s: number) => new Date(Date.UTC(2026, 11, 1, 12, 0, 0) + s * 1000);

describe.each(TEST_DB_KINDS)("token bucket on %s", (kind) => {
  const shared = useSharedTestDb(kind);

  it("grants a burst of `limit`, then refuses with the wait for one token, then refills", async () => {
    const db = shared.t().db;
    const got = [];
    for (let i = 0; i < 4; i++) got.push(await takeToken(db, "lin_burst", 3, at(0)));
    expect(got.map((v) => [v.allowed, v.remaining])).toEqual([
      [true, 2],
      [true, 1],
      [true, 0],
      [false, 0],
    ]);
    // 3 a minute: one token every 20 s.
    expect(got[3]).toMatchObject({ limit: 3, retryAfterSeconds: 20, resetSeconds: 60 });
    expect(await takeToken(db, "lin_burst", 3, at(10))).toMatchObject({ allowed: false, retryAfterSeconds: 10 });
    expect(await takeToken(db, "lin_burst", 3, at(20))).toMatchObject({ allowed: true, remaining: 0 });
    // A long quiet spell fills the bucket only to its size.
    expect(await takeToken(db, "lin_burst", 3, at(3600))).toMatchObject({ allowed: true, remaining: 2, resetSeconds: 20 });
  });

  it("keeps buckets apart, and a clock behind the stored one refills nothing", async () => {
    const db = shared.t().db;
    expect(await takeToken(db, "lin_a", 1, at(0))).toMatchObject({ allowed: true });
    expect(await takeToken(db, "lin_b", 1, at(0))).toMatchObject({ allowed: true });
    expect(await takeToken(db, "lin_a", 1, at(-3600))).toMatchObject({ allowed: false });
    expect(await takeToken(db, "lin_a", 1, at(59))).toMatchObject({ allowed: false });
    expect(await takeToken(db, "lin_a", 1, at(60))).toMatchObject({ allowed: true });
  });

  it("follows a changed limit at once: a lowered limit caps the tokens held", async () => {
    const db = shared.t().db;
    await takeToken(db, "lin_change", 100, at(0));
    expect(await takeToken(db, "lin_change", 2, at(1))).toMatchObject({ allowed: true, limit: 2, remaining: 1 });
    expect(await takeToken(db, "lin_change", 2, at(1))).toMatchObject({ allowed: true, remaining: 0 });
    expect(await takeToken(db, "lin_change", 2, at(1))).toMatchObject({ allowed: false });
  });

  it("grants exactly `limit` of many concurrent requests, from two connection pools on PostgreSQL", async () => {
    const t = shared.t();
    // A second process's pool: its own connections to the same database.
    const other = t.url ? await openDb({ url: t.url, migrate: false }) : null;
    try {
      const pools = other ? [t.db, other.db] : [t.db];
      const verdicts = await Promise.all(Array.from({ length: 40 }, (_, i) => takeToken(pools[i % pools.length]!, "lin_race", 15, at(0))));
      expect(verdicts.filter((v) => v.allowed)).toHaveLength(15);
      expect(verdicts.filter((v) => !v.allowed).every((v) => v.remaining === 0)).toBe(true);
    } finally {
      await other?.close();
    }
  });
});
