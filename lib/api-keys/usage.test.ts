// Usage rows and the monthly image quota: requests and images per lineage and UTC day, a charge that
// would pass the quota refused as a whole, earlier days of the month counted, a new month afresh, and
// concurrent charges (two pools on PostgreSQL) never passing the quota together.
import { describe, expect, it } from "vitest";
import { openDb } from "../../db";
import { useSharedTestDb } from "../testing/shared-test-db";
import { TEST_DB_KINDS } from "../testing/test-db";
import { admitApiKey } from "./admit-api-key";
import { createApiKey } from "./create-api-key";
import { chargeImages, imagesThisMonth, usageByDay, utcMonthStart, utcNextMonthStart } from "./usage";

const day = (d: string) => new Date(`${d}T12:00:00Z`);

describe("UTC month helpers", () => {
  it("finds the month's first day and the next month's, across a year end", () => {
    expect([utcMonthStart(day("2026-12-31")), utcNextMonthStart(day("2026-12-31"))]).toEqual(["2026-12-01", "2027-01-01"]);
  });
});

describe.each(TEST_DB_KINDS)("usage and quota on %s", (kind) => {
  const shared = useSharedTestDb(kind, "admin");

  it("counts requests (admitted ones, by admitApiKey) and images per day", async () => {
    const db = shared.t().db;
    const k = await createApiKey({ ctx: { db, actor: { type: "system" } }, input: { name: "u", userId: (shared.actor() as { id: string }).id } });
    const lineage = k.key.id;
    await admitApiKey(db, k.secret, {}, day("2026-11-30"));
    await admitApiKey(db, k.secret, {}, day("2026-12-01"));
    await admitApiKey(db, k.secret, {}, day("2026-12-01"));
    expect(await chargeImages(db, lineage, 3, 100, day("2026-12-01"))).toBe(true);
    const rows = await usageByDay(db, [lineage], "2026-11-01", "2027-01-01");
    expect(rows.map((r) => [r.day, r.requests, r.images])).toEqual([
      ["2026-11-30", 1, 0],
      ["2026-12-01", 2, 3],
    ]);
  });

  it("refuses a charge that would pass the quota, counting earlier days; a new month starts afresh", async () => {
    const db = shared.t().db;
    expect(await chargeImages(db, "lin_q", 2, 5, day("2026-12-01"))).toBe(true);
    expect(await chargeImages(db, "lin_q", 2, 5, day("2026-12-02"))).toBe(true);
    expect(await chargeImages(db, "lin_q", 2, 5, day("2026-12-02"))).toBe(false); // 6 > 5, refused whole
    expect(await chargeImages(db, "lin_q", 2, 5, day("2026-12-03"))).toBe(false); // no row yet today
    expect(await chargeImages(db, "lin_q", 1, 5, day("2026-12-03"))).toBe(true);
    expect(await chargeImages(db, "lin_q", 1, 5, day("2026-12-03"))).toBe(false);
    expect(await imagesThisMonth(db, "lin_q", day("2026-12-31"))).toBe(5);
    expect(await chargeImages(db, "lin_q", 5, 5, day("2027-01-01"))).toBe(true);
    expect(await chargeImages(db, "lin_q", 1, 0, day("2027-02-01"))).toBe(false); // quota 0: nothing
  });

  it("lets concurrent charges, from two connection pools on PostgreSQL, use exactly the quota", async () => {
    const t = shared.t();
    const other = t.url ? await openDb({ url: t.url, migrate: false }) : null;
    try {
      const pools = other ? [t.db, other.db] : [t.db];
      const ok = await Promise.all(Array.from({ length: 30 }, (_, i) => chargeImages(pools[i % pools.length]!, "lin_race", 1, 12, day("2026-12-05"))));
      expect(ok.filter(Boolean)).toHaveLength(12);
      expect(await imagesThisMonth(t.db, "lin_race", day("2026-12-05"))).toBe(12);
    } finally {
      await other?.close();
    }
  });
});
