// The duplicate group a new case joins (cases.duplicate_group): the queue's "group duplicates" view
// collapses each group to one row. A group is closed under "is a duplicate of": a case that matches
// several groups merges them into one.
import { and, eq, inArray, isNull, ne, or, sql } from "drizzle-orm";
import type { DbOrTx, Tx } from "../../db";
import { cases, type Case, type Image } from "../../db/schema";
import { matchingImageIds } from "./near-duplicates";

// Arbitrary constant (next to the event lock's in lib/live/publish-case-event.ts): serialises group
// assignment between transactions.
const DUPLICATE_GROUP_LOCK_KEY = 4_242_003;

/**
 * Put case `caseId` (already inserted, of `image`, as a group of its own: duplicate_group = the image's
 * id, duplicate_group_shared = false) in its duplicate group and return its new columns.
 *
 * The groups it matches are those of the other cases of the same bytes (deleted ones too: their group
 * key stays valid for the cases that share it) and of the non-deleted cases of near-duplicate images
 * (dHash distance within NEAR_DUPLICATE_MAX_DISTANCE, both hashes informative, as relatedCases and
 * applyDuplicateDecision match them). None: a new group named by the image's id. One: that group.
 * Several: they become one, the oldest (the smallest id: group ids are image ids, which are
 * time-ordered, lib/ids.ts), and every case of the others is re-pointed to it in this transaction.
 * cases.duplicate_group_shared is kept with it: false on a case that matched nothing, true on every
 * case of a group it joined.
 *
 * The transaction-scoped advisory lock makes assignments happen one after another, each reading the
 * groups as the previous one committed them. Without it two transactions could each miss the other's
 * uncommitted rows: one merges group B into A while another puts a new near-duplicate of B's case in
 * B, and B survives beside A. Under READ COMMITTED every statement after the lock sees what earlier
 * holders committed. The lock is held to the commit; the caller does little after (submitImage:
 * the case's audit row and event, whose own lock it takes next, always in this order).
 */
export async function assignDuplicateGroup(
  tx: Tx,
  caseId: string,
  image: Pick<Image, "id" | "phash" | "phashInformative">,
): Promise<Pick<Case, "duplicateGroup" | "duplicateGroupShared">> {
  await tx.execute(sql`select pg_advisory_xact_lock(${DUPLICATE_GROUP_LOCK_KEY})`);
  const matches = await matchedGroups(tx, caseId, image);
  // Ids are lowercase [a-z0-9_], so JavaScript's order is the database's (and the id's time order).
  const groups = matches.map((m) => m.group).sort();
  // Nothing matched: the case stays as it was inserted (one statement less on most uploads).
  if (!groups.length) return { duplicateGroup: image.id, duplicateGroupShared: false };
  // Every case of the matched groups, and this one, is now in a group of two or more.
  await tx
    .update(cases)
    .set({ duplicateGroup: groups[0], duplicateGroupShared: true })
    .where(or(eq(cases.id, caseId), and(inArray(cases.duplicateGroup, groups), or(ne(cases.duplicateGroup, groups[0]!), eq(cases.duplicateGroupShared, false)))));
  return { duplicateGroup: groups[0]!, duplicateGroupShared: true };
}

/** The groups of the cases `caseId` matches (the search assignDuplicateGroup runs; its plan is tested). */
export function matchedGroups(db: DbOrTx, caseId: string, image: Pick<Image, "id" | "phash" | "phashInformative">) {
  return db
    .selectDistinct({ group: cases.duplicateGroup })
    .from(cases)
    .where(
      and(
        ne(cases.id, caseId),
        inArray(cases.imageId, matchingImageIds(db, image)),
        // Deleted cases count for their own bytes only.
        or(eq(cases.imageId, image.id), isNull(cases.deletedAt)),
      ),
    );
}
