// What the workers clear away besides old live events: images past their policy's retention
// (lib/cases/retention.ts) and detection-cache entries nobody used for LOUPE_DETECTION_CACHE_DAYS
// (lib/detect/cache-eviction.ts). Long-running workers run it on a timer, the route-driven worker at
// each run, `loupe retention run` on demand; any number may run at once.
import type { DbOrTx } from "../../db";
import { sweepRetention, type RetentionSweep } from "../cases/retention";
import { evictDetectionCache, type CacheEviction } from "../detect/cache-eviction";
import { env } from "../env";

export interface StorageSweep {
  retention: RetentionSweep;
  cache: CacheEviction;
}

export async function sweepStorage(db: DbOrTx, opts: { cacheDays?: number } = {}): Promise<StorageSweep> {
  const retention = await sweepRetention(db);
  const cache = await evictDetectionCache(db, opts.cacheDays ?? env.LOUPE_DETECTION_CACHE_DAYS);
  return { retention, cache };
}

/** One log line for a sweep that removed something, else null. */
export function describeSweep({ retention: r, cache: c }: StorageSweep): string | null {
  const parts = [];
  if (r.removed) parts.push(`removed the images of ${r.removed} cases past their policy's retention (${r.originalsDeleted} originals, ${r.heatmapsDeleted} heatmaps deleted)${r.more ? "; more are due" : ""}`);
  if (c.entries) parts.push(`evicted ${c.entries} unused detection-cache entries (${c.heatmaps} heatmaps)`);
  return parts.length ? parts.join("; ") : null;
}
