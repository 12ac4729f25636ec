import { and, asc, eq, inArray, isNull, ne, sql } from "drizzle-orm";
import type { DbOrTx } from "../../db";
import { cases, decisions, images, type Image } from "../../db/schema";
import { matchingImageIds, phashDistance } from "./near-duplicates";

export { NEAR_DUPLICATE_MAX_DISTANCE } from "./near-duplicates";

/**
 * Other cases of the same bytes, and of near-duplicate images (dHash Hamming distance), with their
 * latest decision: a reviewer sees at once whether this picture was judged before.
 */
export async function relatedCases(db: DbOrTx, caseId: string, image: Pick<Image, "id" | "phash" | "phashInformative">, limit = 10) {
  const { id: imageId, phash } = image;
  const distance = phashDistance(phash);
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
      // The same bytes always match; a near-duplicate needs two hashes that say something.
      and(ne(cases.id, caseId), isNull(cases.deletedAt), inArray(cases.imageId, matchingImageIds(db, image))),
    )
    .orderBy(asc(distance), asc(cases.createdAt))
    .limit(limit);
  return rows;
}
