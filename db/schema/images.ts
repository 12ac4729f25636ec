import { sql } from "drizzle-orm";
import { boolean, index, integer, pgTable, text, timestamp } from "drizzle-orm/pg-core";

export const images = pgTable(
  "images",
  {
  id: text("id").primaryKey(),
  // Content address: identical bytes are stored once and shared by every case that submits them.
  sha256: text("sha256").notNull().unique(),
  mime: text("mime").notNull(),
  format: text("format").notNull(),
  sizeBytes: integer("size_bytes").notNull(),
  width: integer("width").notNull(),
  height: integer("height").notNull(),
  /** EXIF orientation (2–8) when the stored pixels are not upright; null when they are. */
  orientation: integer("orientation"),
  storageKey: text("storage_key").notNull(),
  /** 64-bit difference hash (hex) of the upright image, for near-duplicate lookup. */
  phash: text("phash").notNull(),
  /** False for flat, low-information pictures, whose hashes would match each other: never near-duplicate matched. */
  phashInformative: boolean("phash_informative").notNull().default(true),
  /**
   * The hash cut into 7 bands (6 of 9 bits, 1 of 10), each tagged with its position: two hashes
   * within NEAR_DUPLICATE_MAX_DISTANCE (6) bits share at least one band, so the GIN index below finds
   * every near-duplicate candidate without reading the whole table (lib/cases/near-duplicates.ts).
   * Computed by the database (the phash_bands function, migration 0019) from `phash`.
   */
  phashBands: integer("phash_bands")
    .array()
    .generatedAlwaysAs(sql`phash_bands(phash)`),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  // The queue searches by sha256 prefix (LIKE 'abc%'); the unique index uses the database collation,
  // which LIKE cannot range-scan, text_pattern_ops can.
  (t) => [
    index("images_sha256_prefix_idx").using("btree", t.sha256.op("text_pattern_ops")),
    // Only informative hashes are ever near-duplicate matched. fastupdate off: each insert adds its 7
    // keys to the index at once. With GIN's default pending list, new entries wait in an unsorted list
    // that every search reads through until a VACUUM merges them, and PGlite has no autovacuum: at
    // 20 000 images the list made the index cost more than a sequential scan (≈ 13 ms a search,
    // against ≈ 0.5 ms with it off; migration 0021).
    index("images_phash_bands_idx").using("gin", t.phashBands).with({ fastupdate: false }).where(sql`${t.phashInformative}`),
  ],
);

export type Image = typeof images.$inferSelect;
