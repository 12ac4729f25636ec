// Lists that fill themselves from review: a list with an `auto_add_outcome` holds the image of every
// case whose decision in force has that outcome (a moderator confirms a picture as AI, and its copies
// are quarantined on sight from then on). Run in the transaction of every change to a case's decisions
// (lib/cases/decide-case.ts, amend-decision.ts, undo-decision.ts), so list and decisions never disagree.
import { and, asc, desc, eq, inArray, isNotNull, isNull, ne, sql } from "drizzle-orm";
import type { DbOrTx } from "../../db";
import { cases, decisions, imageListEntries, imageLists, images, type ImageList } from "../../db/schema";
import { AUTO_ADD_OUTCOMES } from "../../db/schema/enums";
import { writeAudit } from "../audit";
import type { Actor } from "../context";
import { newId } from "../ids";
import { forgetListsSeen } from "./find-matches";

export { AUTO_ADD_OUTCOMES };
export type AutoAddOutcome = (typeof AUTO_ADD_OUTCOMES)[number];

export const AUTO_ADD_LABELS: Record<AutoAddOutcome, string> = { confirmed_ai: "confirmed AI", authentic: "authentic" };

export interface AutoListChange {
  added: { listId: string; listName: string; entryId: string }[];
  removed: { listId: string; listName: string; entryId: string }[];
}

/**
 * Brings the case's automatic entries in step with its decision in force: removes the entries that a
 * decision no longer in force added (undone, or superseded by an amendment), then adds the image to
 * every list whose auto_add_outcome is the outcome in force, tagged with that decision. An image a list
 * already holds (by hand, or from another case of the same bytes) is left as it is. Audited as
 * `list.entries_add` / `list.entry_remove` with `via: "decision"`.
 */
export async function syncAutoListEntries(tx: DbOrTx, actor: Actor, caseId: string): Promise<AutoListChange> {
  const [inForce] = await tx
    .select({ id: decisions.id, outcome: decisions.outcome })
    .from(decisions)
    .where(and(eq(decisions.caseId, caseId), isNull(decisions.undoneAt)))
    .orderBy(desc(decisions.createdAt), desc(decisions.id))
    .limit(1);
  const stale = and(eq(imageListEntries.caseId, caseId), isNotNull(imageListEntries.decisionId), inForce ? ne(imageListEntries.decisionId, inForce.id) : undefined);
  const removedRows = await tx.delete(imageListEntries).where(stale).returning({ id: imageListEntries.id, listId: imageListEntries.listId, sha256: imageListEntries.sha256, decisionId: imageListEntries.decisionId });

  let addedRows: { id: string; listId: string; sha256: string }[] = [];
  if (inForce) {
    const lists = await tx.select({ id: imageLists.id }).from(imageLists).where(eq(imageLists.autoAddOutcome, inForce.outcome));
    if (lists.length) {
      const [img] = await tx
        .select({ filename: cases.filename, sha256: images.sha256, phash: images.phash, phashInformative: images.phashInformative, reviewerId: decisions.reviewerId })
        .from(cases)
        .innerJoin(images, eq(images.id, cases.imageId))
        .innerJoin(decisions, eq(decisions.id, inForce.id))
        .where(eq(cases.id, caseId));
      if (img) {
        addedRows = await tx
          .insert(imageListEntries)
          .values(
            lists.map((l) => ({
              id: newId("imageListEntry"),
              listId: l.id,
              sha256: img.sha256,
              phash: img.phash,
              phashInformative: img.phashInformative,
              filename: img.filename,
              caseId,
              decisionId: inForce.id,
              addedBy: img.reviewerId,
              note: `Decided ${AUTO_ADD_LABELS[inForce.outcome as AutoAddOutcome] ?? inForce.outcome} in ${caseId}.`,
            })),
          )
          .onConflictDoNothing({ target: [imageListEntries.listId, imageListEntries.sha256] })
          .returning({ id: imageListEntries.id, listId: imageListEntries.listId, sha256: imageListEntries.sha256 });
      }
    }
  }
  if (!addedRows.length && !removedRows.length) return { added: [], removed: [] };

  const touched = [...new Set([...addedRows, ...removedRows].map((r) => r.listId))];
  const names = new Map((await tx.select({ id: imageLists.id, name: imageLists.name }).from(imageLists).where(inArray(imageLists.id, touched))).map((l) => [l.id, l.name]));
  const named = (rows: { id: string; listId: string }[]) => rows.map((r) => ({ listId: r.listId, listName: names.get(r.listId) ?? "", entryId: r.id }));
  const changes = [
    ...addedRows.map((r) => ({ action: "list.entries_add", listId: r.listId, data: { decisionId: inForce!.id, outcome: inForce!.outcome, count: 1, sha256: [r.sha256] } })),
    ...removedRows.map((r) => ({ action: "list.entry_remove", listId: r.listId, data: { entryId: r.id, decisionId: r.decisionId, sha256: r.sha256 } })),
  ];
  for (const c of changes) {
    await writeAudit(tx, actor, { action: c.action, caseId, targetType: "image_list", targetId: c.listId, data: { name: names.get(c.listId), via: "decision", ...c.data } });
  }
  forgetListsSeen();
  return { added: named(addedRows), removed: named(removedRows) };
}

/** Entries one INSERT of a backfill writes. */
const BACKFILL_CHUNK = 1000;

/**
 * Catches a list up with the decisions already in force (asked for when auto-add is turned on, or
 * later): adds the image of every live case whose decision in force has `outcome`, oldest case first,
 * tagged with its case and decision as syncAutoListEntries tags them, so an undo or an amendment takes
 * it away again. An image the list already holds stays as it is. Audited once, as
 * `list.entries_add` with `via: "backfill"`. Returns the number of entries added.
 */
export async function backfillAutoList(tx: DbOrTx, actor: Actor, list: { id: string; name: string }, outcome: NonNullable<ImageList["autoAddOutcome"]>): Promise<number> {
  const latest = tx
    .selectDistinctOn([decisions.caseId], { caseId: decisions.caseId, decisionId: sql<string>`${decisions.id}`.as("decision_id"), outcome: decisions.outcome, reviewerId: decisions.reviewerId })
    .from(decisions)
    .where(isNull(decisions.undoneAt))
    .orderBy(decisions.caseId, desc(decisions.createdAt), desc(decisions.id))
    .as("latest");
  const due = await tx
    .select({ caseId: latest.caseId, decisionId: latest.decisionId, reviewerId: latest.reviewerId, filename: cases.filename, sha256: images.sha256, phash: images.phash, phashInformative: images.phashInformative })
    .from(latest)
    .innerJoin(cases, and(eq(cases.id, latest.caseId), isNull(cases.deletedAt)))
    .innerJoin(images, eq(images.id, cases.imageId))
    .where(and(eq(latest.outcome, outcome), sql`not exists (select 1 from ${imageListEntries} e where e.list_id = ${list.id} and e.sha256 = ${images.sha256})`))
    .orderBy(asc(cases.createdAt), asc(cases.id));
  let added = 0;
  for (let i = 0; i < due.length; i += BACKFILL_CHUNK) {
    const rows = await tx
      .insert(imageListEntries)
      .values(
        due.slice(i, i + BACKFILL_CHUNK).map((d) => ({
          id: newId("imageListEntry"),
          listId: list.id,
          sha256: d.sha256,
          phash: d.phash,
          phashInformative: d.phashInformative,
          filename: d.filename,
          caseId: d.caseId,
          decisionId: d.decisionId,
          addedBy: d.reviewerId,
          note: `Decided ${AUTO_ADD_LABELS[outcome as AutoAddOutcome] ?? outcome} in ${d.caseId}.`,
        })),
      )
      // Cases of the same image: the oldest one's entry stays.
      .onConflictDoNothing({ target: [imageListEntries.listId, imageListEntries.sha256] })
      .returning({ id: imageListEntries.id });
    added += rows.length;
  }
  await writeAudit(tx, actor, { action: "list.entries_add", targetType: "image_list", targetId: list.id, data: { name: list.name, via: "backfill", outcome, count: added } });
  if (added) forgetListsSeen();
  return added;
}
