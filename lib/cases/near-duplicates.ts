// Which images match a given one for duplicate grouping and the case page's related cases: the same
// bytes always; a near-duplicate (dHash Hamming distance within NEAR_DUPLICATE_MAX_DISTANCE) when both
// hashes are informative.
import { and, eq, or, sql, type SQL } from "drizzle-orm";
import type { DbOrTx } from "../../db";
import { images, type Image } from "../../db/schema";

/** dHash distance at or below which two images are near-duplicates (of 64 bits; ~10% differ). */
export const NEAR_DUPLICATE_MAX_DISTANCE = 6;

/** The Hamming distance between `images.phash` and `phash`, in SQL. */
export const phashDistance = (phash: string) => sql<number>`bit_count(('x' || ${images.phash})::bit(64) # ('x' || ${phash})::bit(64))::int`;

/**
 * The ids of the images matching `image` (itself included), as a subquery for `image_id IN (…)`.
 *
 * A near-duplicate is searched through images.phash_bands and its GIN index rather than by computing
 * the distance to every image (at 100 000 images that scan took ~100 ms, while holding the
 * duplicate-group lock that every upload waits for). The 64 bits are cut into 7 bands, so two hashes
 * within 6 bits agree on at least one whole band (pigeonhole): the overlap test keeps every true
 * match, and the distance test then drops the candidates that only share a band.
 */
export function matchingImageIds(db: DbOrTx, image: Pick<Image, "id" | "phash" | "phashInformative">): SQL {
  const near = and(
    eq(images.phashInformative, true),
    sql`${images.phashBands} && phash_bands(${image.phash})`,
    sql`${phashDistance(image.phash)} <= ${NEAR_DUPLICATE_MAX_DISTANCE}`,
  );
  const q = db
    .select({ id: images.id })
    .from(images)
    .where(image.phashInformative ? or(eq(images.id, image.id), near) : eq(images.id, image.id));
  return sql`${q}`;
}
