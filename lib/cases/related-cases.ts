import { and, asc, eq, isNull, ne, or, sql } from "drizzle-orm";
import type { DbOrTx } from "../../db";
import { cases, decisions, images, type Image } from "../../db/schema";

/** dHash distance at or below which two images are near-duplicates (of 64 bits; ~10% differ). */
export const NEAR_DUPLICATE_MAX_DISTANCE = 6;

/**
 * Other cases of the same bytes, and of near-duplicate images (dHash Hamming distance), with their
 * latest decision: a reviewer sees at once whether this picture was judged before.
 */
export async function relatedCases(db: DbOrTx, caseId: string, image: Pick<Image, "id" | "phash" | "phashInformative">, limit = 10) {
  const { id: imageId, phash } = image;
  const distance = sql<number>`bit_count(('x' || ${images.phash})::bit(64) # ('x' || ${phash})::bit(64))::int`;
  const rows = await db
    .select({
      id: cases.id,
      state: cases.state,
      verdict: cases.verdict,
      score: cases.score,
      filename: cases.filename,
      createdAt: cases.createdAt,
      sameImage: sql<boolean>`${cases.imageId} = ${imageId}`,
      distance,
      outcome: sql<string | null>`(select ${decisions.outcome} from ${decisions} where ${decisions.caseId} = ${cases.id} order by ${decisions.createdAt} desc limit 1)`,
    })
    .from(cases)
    .innerJoin(images, eq(images.id, cases.imageId))
    .where(
      and(
        ne(cases.id, caseId),
        isNull(cases.deletedAt),
        // The same bytes always match; a near-duplicate needs two hashes that say something.
        image.phashInformative
          ? or(eq(cases.imageId, imageId), and(eq(images.phashInformative, true), sql`${distance} <= ${NEAR_DUPLICATE_MAX_DISTANCE}`))
          : eq(cases.imageId, imageId),
      ),
    )
    .orderBy(asc(distance), asc(cases.createdAt))
    .limit(limit);
  return rows;
}
