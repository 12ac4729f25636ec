// The duplicate group a new case joins (cases.duplicate_group): the queue's "group duplicates" view
// collapses each group to one row.
import { and, asc, eq, isNull, sql } from "drizzle-orm";
import type { DbOrTx } from "../../db";
import { cases, images, type Image } from "../../db/schema";
import { NEAR_DUPLICATE_MAX_DISTANCE } from "./related-cases";

/**
 * The group of an earlier case of the same bytes; else of the nearest earlier near-duplicate image
 * (dHash distance within NEAR_DUPLICATE_MAX_DISTANCE, both hashes informative, as relatedCases and
 * applyDuplicateDecision match them); else a new group named by the image's id. Deleted cases still
 * name a group: their group key stays valid for the cases that share it.
 */
export async function duplicateGroupFor(db: DbOrTx, image: Pick<Image, "id" | "phash" | "phashInformative">): Promise<string> {
  const [same] = await db.select({ group: cases.duplicateGroup }).from(cases).where(eq(cases.imageId, image.id)).orderBy(asc(cases.createdAt)).limit(1);
  if (same) return same.group;
  if (!image.phashInformative) return image.id;
  const distance = sql<number>`bit_count(('x' || ${images.phash})::bit(64) # ('x' || ${image.phash})::bit(64))`;
  const [near] = await db
    .select({ group: cases.duplicateGroup })
    .from(images)
    .innerJoin(cases, eq(cases.imageId, images.id))
    .where(and(eq(images.phashInformative, true), sql`${distance} <= ${NEAR_DUPLICATE_MAX_DISTANCE}`, isNull(cases.deletedAt)))
    .orderBy(asc(distance), asc(cases.createdAt))
    .limit(1);
  return near?.group ?? image.id;
}
