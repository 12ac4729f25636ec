// The detection cache's upkeep: an entry (lib/detect/detect-image.ts) that no request used for
// LOUPE_DETECTION_CACHE_DAYS goes, with its heatmap PNGs. A hit on an entry last used over a day ago
// writes its last_used_at first (CACHE_TOUCH_MS), so an entry that a request is answering from was used
// within a day: at least a day before the sweep could take it (the days are at least 2). A hit whose
// entry was evicted in between finds no row to touch and detects afresh.
import { asc, inArray, lt, sql } from "drizzle-orm";
import type { DbOrTx } from "../../db";
import { detectionCache } from "../../db/schema";
import { getBlobStore } from "../storage";

/** How stale an entry's last_used_at may be before a hit writes it again. */
export const CACHE_TOUCH_MS = 24 * 60 * 60 * 1000;
/** Entries one statement evicts; the sweep goes on until none is due. */
const EVICT_BATCH = 500;

export interface CacheEviction {
  entries: number;
  heatmaps: number;
}

/** Deletes the entries unused for `days`, and then their heatmap blobs. */
export async function evictDetectionCache(db: DbOrTx, days: number): Promise<CacheEviction> {
  const out: CacheEviction = { entries: 0, heatmaps: 0 };
  const store = getBlobStore();
  for (;;) {
    const due = db
      .select({ id: detectionCache.id })
      .from(detectionCache)
      .where(lt(detectionCache.lastUsedAt, sql`now() - make_interval(days => ${days})`))
      .orderBy(asc(detectionCache.lastUsedAt))
      .limit(EVICT_BATCH);
    // The row's condition is checked again as it is deleted: an entry touched meanwhile stays.
    const gone = await db
      .delete(detectionCache)
      .where(sql`${inArray(detectionCache.id, due)} and ${lt(detectionCache.lastUsedAt, sql`now() - make_interval(days => ${days})`)}`)
      .returning({ signals: sql<{ heatmap?: { key: string } }[]>`${detectionCache.report}->'signals'` });
    // No request serves a deleted entry, so its pictures can go after the commit.
    for (const row of gone) {
      for (const s of row.signals ?? []) {
        if (!s.heatmap) continue;
        await store.delete(s.heatmap.key);
        out.heatmaps++;
      }
    }
    out.entries += gone.length;
    if (gone.length < EVICT_BATCH) return out;
  }
}
