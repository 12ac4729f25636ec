// Which image lists an image is on: an entry with the same sha256, or (both hashes informative) a
// dHash within NEAR_DUPLICATE_MAX_DISTANCE bits, found through the entries' band index as the
// near-duplicate search of images does (lib/cases/near-duplicates.ts).
import { and, eq, or, sql } from "drizzle-orm";
import type { DbOrTx } from "../../db";
import { imageListEntries, imageLists, type ListMatch } from "../../db/schema";
import { NEAR_DUPLICATE_MAX_DISTANCE } from "../cases/near-duplicates";

export interface ImageHashes {
  sha256: string;
  /** Null or undefined: match the same bytes only. */
  phash?: string | null;
  phashInformative?: boolean;
}

/** One match per list, its closest entry (the same file before any near-duplicate), lists by name. */
export async function findListMatches(db: DbOrTx, image: ImageHashes): Promise<ListMatch[]> {
  const e = imageListEntries;
  const near = image.phash && image.phashInformative;
  const distance = near ? sql<number>`bit_count(('x' || ${e.phash})::bit(64) # ('x' || ${image.phash})::bit(64))::int` : sql<number>`64`;
  const rows = await db
    .select({
      entryId: e.id,
      listId: imageLists.id,
      listName: imageLists.name,
      action: imageLists.action,
      note: e.note,
      sameFile: sql<boolean>`${e.sha256} = ${image.sha256}`,
      distance,
    })
    .from(e)
    .innerJoin(imageLists, eq(imageLists.id, e.listId))
    .where(
      near
        ? or(
            eq(e.sha256, image.sha256),
            and(eq(e.phashInformative, true), sql`${e.phashBands} && phash_bands(${image.phash})`, sql`${distance} <= ${NEAR_DUPLICATE_MAX_DISTANCE}`),
          )
        : eq(e.sha256, image.sha256),
    );
  const best = new Map<string, ListMatch>();
  for (const r of rows) {
    const m: ListMatch = {
      listId: r.listId,
      listName: r.listName,
      action: r.action,
      entryId: r.entryId,
      match: r.sameFile ? "same_file" : "near_duplicate",
      distance: r.sameFile ? 0 : Number(r.distance),
      note: r.note,
    };
    const had = best.get(m.listId);
    if (!had || m.distance < had.distance || (m.distance === had.distance && m.entryId < had.entryId)) best.set(m.listId, m);
  }
  return [...best.values()].sort((a, b) => (a.listName < b.listName ? -1 : a.listName > b.listName ? 1 : 0));
}

/**
 * Whether any list has an entry, as this process last saw it: read at most once a second, and at once
 * after this process changed a list. `POST /api/v1/detect` asks this before it looks for matches, so
 * that an installation without lists pays no query per cached lookup; a list changed by another
 * process applies to its synchronous detections within a second (scans always look).
 */
let seen: { at: number; any: boolean } | null = null;
const SEEN_FOR_MS = 1000;

export async function listsMayMatch(db: DbOrTx): Promise<boolean> {
  const now = Date.now();
  if (seen && now - seen.at < SEEN_FOR_MS) return seen.any;
  const [row] = await db.select({ id: imageListEntries.id }).from(imageListEntries).limit(1);
  seen = { at: now, any: Boolean(row) };
  return seen.any;
}

/** Called by every verb that changes a list. */
export function forgetListsSeen(): void {
  seen = null;
}
