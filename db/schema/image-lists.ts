import { sql } from "drizzle-orm";
import { boolean, index, pgTable, text, timestamp, integer, uniqueIndex } from "drizzle-orm/pg-core";
import { decisionOutcomeEnum, listActionEnum } from "./enums";
import { users } from "./users";

/**
 * A named list of known images, kept by admins (lib/lists/). A scan whose image matches an entry (the
 * same bytes, or a near-duplicate by dHash) records the match, and the list's action decides the case
 * whatever the score: `quarantine` lists win over `clear` lists (lib/policies/apply-policy.ts).
 */
export const imageLists = pgTable("image_lists", {
  id: text("id").primaryKey(),
  name: text("name").notNull().unique(),
  action: listActionEnum("action").notNull(),
  description: text("description").notNull().default(""),
  /**
   * Images that moderators decide with this outcome join the list by themselves, and leave it when
   * that decision is undone or amended (lib/lists/auto-add.ts). Null: entries are added by hand only.
   */
  autoAddOutcome: decisionOutcomeEnum("auto_add_outcome"),
  createdBy: text("created_by").references(() => users.id),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});

/**
 * One known image: its sha256 always, its difference hash when Loupe saw the pixels (added from a case
 * or a file; an entry imported as a bare sha256 matches the same bytes only). The image itself is
 * never kept here.
 */
export const imageListEntries = pgTable(
  "image_list_entries",
  {
    id: text("id").primaryKey(),
    listId: text("list_id")
      .notNull()
      .references(() => imageLists.id, { onDelete: "cascade" }),
    sha256: text("sha256").notNull(),
    /** 64-bit difference hash (hex), as images.phash; null for an entry known by its sha256 alone. */
    phash: text("phash"),
    /** As images.phash_informative: a flat picture's hash is never near-duplicate matched. */
    phashInformative: boolean("phash_informative").notNull().default(false),
    /** The hash in 7 position-tagged bands (the phash_bands function, migration 0019), as images.phash_bands. */
    phashBands: integer("phash_bands")
      .array()
      .generatedAlwaysAs(sql`phash_bands(phash)`),
    note: text("note").notNull().default(""),
    /** The case it was added from, if any (kept when that case is deleted: the entry holds hashes only). */
    caseId: text("case_id"),
    filename: text("filename").notNull().default(""),
    /**
     * The decision that added the entry by itself (the list's auto_add_outcome), or null for one added
     * by hand. Such an entry goes when that decision stops being the case's decision in force. No
     * foreign key, as case_id: the entry holds hashes and stands on its own.
     */
    decisionId: text("decision_id"),
    addedBy: text("added_by").references(() => users.id),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("image_list_entries_list_sha256_uq").on(t.listId, t.sha256),
    index("image_list_entries_sha256_idx").on(t.sha256),
    // A case's entries that decisions added, found when its decision changes.
    index("image_list_entries_auto_case_idx").on(t.caseId).where(sql`${t.decisionId} is not null`),
    index("image_list_entries_phash_bands_idx").using("gin", t.phashBands).with({ fastupdate: false }).where(sql`${t.phashInformative}`),
  ],
);

export type ImageList = typeof imageLists.$inferSelect;
export type ImageListEntry = typeof imageListEntries.$inferSelect;

/** A scanned image's match with a list, as a detection records it (one per list: its closest entry). */
export interface ListMatch {
  listId: string;
  listName: string;
  action: (typeof listActionEnum.enumValues)[number];
  entryId: string;
  /** `same_file`: the same sha256; `near_duplicate`: a dHash within NEAR_DUPLICATE_MAX_DISTANCE bits. */
  match: "same_file" | "near_duplicate";
  /** dHash bits that differ (0 for the same file). */
  distance: number;
  note: string;
}
