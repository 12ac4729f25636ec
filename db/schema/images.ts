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
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  // The queue searches by sha256 prefix (LIKE 'abc%'); the unique index uses the database collation,
  // which LIKE cannot range-scan, text_pattern_ops can.
  (t) => [index("images_sha256_prefix_idx").using("btree", t.sha256.op("text_pattern_ops"))],
);

export type Image = typeof images.$inferSelect;
