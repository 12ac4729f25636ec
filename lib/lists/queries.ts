// Reads for the image lists page and the case page.
import { and, asc, count, desc, eq, lt } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import type { DbOrTx } from "../../db";
import { imageListEntries, imageLists, users, type ImageList, type ImageListEntry } from "../../db/schema";

export type ListSummary = ImageList & { entries: number; createdByEmail: string | null };

/** Every list with its entry count, by name (or the one list `only`). */
export async function listImageLists(db: DbOrTx, only?: string): Promise<ListSummary[]> {
  const rows = await db
    .select({ list: imageLists, entries: count(imageListEntries.id), createdByEmail: users.email })
    .from(imageLists)
    .leftJoin(imageListEntries, eq(imageListEntries.listId, imageLists.id))
    .leftJoin(users, eq(users.id, imageLists.createdBy))
    .where(only ? eq(imageLists.id, only) : undefined)
    .groupBy(imageLists.id, users.email)
    .orderBy(asc(imageLists.name));
  return rows.map((r) => ({ ...r.list, entries: Number(r.entries), createdByEmail: r.createdByEmail }));
}

export type ListEntryRow = ImageListEntry & { addedByEmail: string | null };

export async function getImageList(db: DbOrTx, listId: string): Promise<ListSummary | null> {
  return (await listImageLists(db, listId))[0] ?? null;
}

/** A list's newest entries first, at most `limit`. */
export async function listEntries(db: DbOrTx, listId: string, limit = 100): Promise<ListEntryRow[]> {
  const adder = alias(users, "adder");
  const rows = await db
    .select({ entry: imageListEntries, addedByEmail: adder.email })
    .from(imageListEntries)
    .leftJoin(adder, eq(adder.id, imageListEntries.addedBy))
    .where(eq(imageListEntries.listId, listId))
    .orderBy(desc(imageListEntries.createdAt), desc(imageListEntries.id))
    .limit(limit);
  return rows.map((r) => ({ ...r.entry, addedByEmail: r.addedByEmail }));
}

/**
 * A page of a list's entries for the API, newest first by id (ids are time-ordered), after `cursor`
 * (the last id of the previous page): `next` is the cursor of the following page, null on the last.
 */
export async function listEntriesPage(db: DbOrTx, listId: string, { limit, cursor }: { limit: number; cursor?: string }): Promise<{ entries: ListEntryRow[]; next: string | null }> {
  const adder = alias(users, "adder");
  const rows = await db
    .select({ entry: imageListEntries, addedByEmail: adder.email })
    .from(imageListEntries)
    .leftJoin(adder, eq(adder.id, imageListEntries.addedBy))
    .where(and(eq(imageListEntries.listId, listId), cursor ? lt(imageListEntries.id, cursor) : undefined))
    .orderBy(desc(imageListEntries.id))
    .limit(limit + 1);
  const entries = rows.slice(0, limit).map((r) => ({ ...r.entry, addedByEmail: r.addedByEmail }));
  return { entries, next: rows.length > limit ? entries.at(-1)!.id : null };
}

/** The lists that hold these exact bytes (the case page's "On lists"). */
export async function listsHoldingSha256(db: DbOrTx, sha256: string): Promise<{ listId: string; name: string; action: ImageList["action"] }[]> {
  return db
    .select({ listId: imageLists.id, name: imageLists.name, action: imageLists.action })
    .from(imageListEntries)
    .innerJoin(imageLists, eq(imageLists.id, imageListEntries.listId))
    .where(eq(imageListEntries.sha256, sha256))
    .orderBy(asc(imageLists.name));
}
