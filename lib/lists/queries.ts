// Reads for the image lists page and the case page.
import { asc, count, desc, eq } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import type { DbOrTx } from "../../db";
import { imageListEntries, imageLists, users, type ImageList, type ImageListEntry } from "../../db/schema";

export type ListSummary = ImageList & { entries: number; createdByEmail: string | null };

export async function listImageLists(db: DbOrTx): Promise<ListSummary[]> {
  const rows = await db
    .select({ list: imageLists, entries: count(imageListEntries.id), createdByEmail: users.email })
    .from(imageLists)
    .leftJoin(imageListEntries, eq(imageListEntries.listId, imageLists.id))
    .leftJoin(users, eq(users.id, imageLists.createdBy))
    .groupBy(imageLists.id, users.email)
    .orderBy(asc(imageLists.name));
  return rows.map((r) => ({ ...r.list, entries: Number(r.entries), createdByEmail: r.createdByEmail }));
}

export type ListEntryRow = ImageListEntry & { addedByEmail: string | null };

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

/** The lists that hold these exact bytes (the case page's "On lists"). */
export async function listsHoldingSha256(db: DbOrTx, sha256: string): Promise<{ listId: string; name: string; action: ImageList["action"] }[]> {
  return db
    .select({ listId: imageLists.id, name: imageLists.name, action: imageLists.action })
    .from(imageListEntries)
    .innerJoin(imageLists, eq(imageLists.id, imageListEntries.listId))
    .where(eq(imageListEntries.sha256, sha256))
    .orderBy(asc(imageLists.name));
}
