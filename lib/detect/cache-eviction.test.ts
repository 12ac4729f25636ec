// The detection cache's upkeep: entries unused for the configured days go with their heatmap PNGs and
// nothing else does; a hit on an entry last used over a day ago marks it used (one write a day at
// most), and a hit on an entry evicted meanwhile detects afresh instead of handing out dead links.
import { eq, sql } from "drizzle-orm";
import { afterEach, describe, expect, it, vi } from "vitest";
import { detectionCache } from "../../db/schema";
import { makeJpeg } from "../detection/testing";
import { getBlobStore } from "../storage";
import { appErrorOf } from "../testing/app-error";
import { useSharedTestDb } from "../testing/shared-test-db";
import { TEST_DB_KINDS } from "../testing/test-db";
import { CACHE_TOUCH_MS, evictDetectionCache } from "./cache-eviction";
import { detectImage } from "./detect-image";
import { getDetectionHeatmap } from "./queries";

describe.each(TEST_DB_KINDS)("detection cache eviction on %s", (kind) => {
  const s = useSharedTestDb(kind);
  afterEach(() => vi.restoreAllMocks());
  let seed = kind === "pglite" ? 3100 : 3200;
  const detect = async (bytes: Buffer) => detectImage({ ctx: { db: s.t().db, actor: s.actor(), requestId: "req_test" }, input: { image: { bytes }, options: { include_heatmaps: "urls" } } });
  const idOf = (url: string) => /\/detections\/(det_[0-9a-z]+)\//.exec(url)![1]!;
  const entry = async (id: string) => (await s.t().db.select().from(detectionCache).where(eq(detectionCache.id, id)))[0];
  const lastUsedDaysAgo = (id: string, days: number) =>
    s.t().db.update(detectionCache).set({ lastUsedAt: sql`now() - make_interval(secs => ${days * 86400})` as unknown as Date }).where(eq(detectionCache.id, id));
  /** Makes this process's clock run `ms` ahead, so its copies of entries look that much older. */
  const later = (ms: number) => {
    const now = Date.now();
    vi.spyOn(Date, "now").mockReturnValue(now + ms);
  };

  it("evicts the entries unused for the days with their heatmaps, and keeps the rest", async () => {
    const old = await detect(await makeJpeg({ width: 120, height: 90, seed: seed++ }));
    const kept = await detect(await makeJpeg({ width: 120, height: 90, seed: seed++ }));
    const oldId = idOf(old.heatmaps!.ela!.url!);
    const keptId = idOf(kept.heatmaps!.ela!.url!);
    const oldKeys = (await entry(oldId))!.report.signals.flatMap((x) => (x.heatmap ? [x.heatmap.key] : []));
    expect(oldKeys.length).toBeGreaterThan(0);
    await lastUsedDaysAgo(oldId, 31);
    await lastUsedDaysAgo(keptId, 29);

    expect(await evictDetectionCache(s.t().db, 30)).toEqual({ entries: 1, heatmaps: oldKeys.length });
    expect(await entry(oldId)).toBeUndefined();
    for (const k of oldKeys) expect(await getBlobStore().exists(k)).toBe(false);
    expect((await appErrorOf(getDetectionHeatmap(s.t().db, oldId, "ela"))).code).toBe("not_found");
    expect(await entry(keptId)).toBeDefined();
    expect((await getDetectionHeatmap(s.t().db, keptId, "ela")).bytes.length).toBeGreaterThan(0);
    expect(await evictDetectionCache(s.t().db, 30)).toEqual({ entries: 0, heatmaps: 0 });
  });

  it("marks an entry used when a hit finds it last used over a day ago, and writes nothing more often", async () => {
    const bytes = await makeJpeg({ width: 120, height: 90, seed: seed++ });
    const id = idOf((await detect(bytes)).heatmaps!.ela!.url!);
    // A hit within the day: the entry is not written.
    await lastUsedDaysAgo(id, 0.5);
    const before = (await entry(id))!.lastUsedAt;
    expect((await detect(bytes)).cached).toBe(true);
    expect((await entry(id))!.lastUsedAt).toEqual(before);
    // A day on, the hit marks it used now, so the sweep leaves it.
    await lastUsedDaysAgo(id, 29.9);
    later(CACHE_TOUCH_MS + 60_000);
    expect((await detect(bytes)).cached).toBe(true);
    vi.restoreAllMocks();
    const touched = (await entry(id))!.lastUsedAt;
    expect(Date.now() - touched.getTime()).toBeLessThan(60_000);
    await evictDetectionCache(s.t().db, 2);
    expect(await entry(id)).toBeDefined();
  });

  it("detects afresh when the entry it remembers was evicted meanwhile", async () => {
    const bytes = await makeJpeg({ width: 120, height: 90, seed: seed++ });
    const first = await detect(bytes);
    const id = idOf(first.heatmaps!.ela!.url!);
    await lastUsedDaysAgo(id, 40);
    expect((await evictDetectionCache(s.t().db, 30)).entries).toBe(1);
    later(CACHE_TOUCH_MS + 60_000); // this process's copy of the entry is now over a day old
    const again = await detect(bytes);
    expect(again.cached).toBe(false);
    const newId = idOf(again.heatmaps!.ela!.url!);
    expect(newId).not.toBe(id);
    expect((await getDetectionHeatmap(s.t().db, newId, "ela")).bytes.length).toBeGreaterThan(0);
    expect(again.report.score).toBe(first.report.score);
  });
});
