// The near-duplicate search through hash bands (lib/cases/near-duplicates.ts) finds exactly what
// comparing the hash with every image finds: every image within NEAR_DUPLICATE_MAX_DISTANCE bits,
// including the worst case for the bands (the differing bits spread over 6 of the 7 bands), none
// beyond, none with an uninformative hash; and the bands the database computes are the ones the
// pigeonhole argument assumes.
import { randomBytes } from "node:crypto";
import { eq, inArray, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { images } from "../../db/schema";
import { newId } from "../ids";
import { useSharedTestDb } from "../testing/shared-test-db";
import { TEST_DB_KINDS } from "../testing/test-db";
import { matchingImageIds, NEAR_DUPLICATE_MAX_DISTANCE } from "./near-duplicates";

const randomHash = () => randomBytes(8).toString("hex");
const flip = (hash: string, mask: bigint) => (BigInt(`0x${hash}`) ^ mask).toString(16).padStart(16, "0");
const distance = (a: string, b: string) => (BigInt(`0x${a}`) ^ BigInt(`0x${b}`)).toString(2).replaceAll("0", "").length;
/** Bit i counted from the hash's first (most significant) bit, as the bands count them. */
const bit = (i: number) => 1n << BigInt(63 - i);
/** The first bit of each band: 0, 9, 18, 27, 36, 45, 54. */
const BAND_STARTS = [0, 9, 18, 27, 36, 45, 54];

describe.each(TEST_DB_KINDS)("near-duplicate search on %s", (kind) => {
  const shared = useSharedTestDb(kind);

  async function addImage(phash: string, informative = true) {
    const id = newId("image");
    const sha = randomBytes(32).toString("hex");
    const [row] = await shared
      .t()
      .db.insert(images)
      .values({ id, sha256: sha, mime: "image/png", format: "png", sizeBytes: 1, width: 1, height: 1, storageKey: `test/${sha}`, phash, phashInformative: informative })
      .returning();
    return row!;
  }
  const matches = async (image: { id: string; phash: string; phashInformative: boolean }) => {
    const db = shared.t().db;
    const rows = await db.select({ id: images.id }).from(images).where(inArray(images.id, matchingImageIds(db, image)));
    return new Set(rows.map((r) => r.id));
  };

  it("keeps the bands' GIN index without a pending list (fastupdate off, migration 0021)", async () => {
    // With the pending list, new entries sat unsorted until a VACUUM, and every search read them all.
    const res = (await shared.t().db.execute(sql`select reloptions from pg_class where relname = 'images_phash_bands_idx'`)) as unknown;
    const rows = (Array.isArray(res) ? res : (res as { rows: unknown[] }).rows) as { reloptions: string[] | null }[];
    expect(rows[0]?.reloptions).toEqual(["fastupdate=false"]);
  });

  it("computes 7 position-tagged bands: bits 1–9, 10–18, …, 46–54 and 55–64", async () => {
    const hash = "8040201008040201";
    const row = await addImage(hash);
    const bands = BAND_STARTS.map((start, k) => {
      const width = k === 6 ? 10 : 9;
      return k * 1024 + Number((BigInt(`0x${hash}`) >> BigInt(64 - start - width)) & ((1n << BigInt(width)) - 1n));
    });
    expect(row.phashBands).toEqual(bands);
    const [again] = await shared.t().db.select({ b: images.phashBands }).from(images).where(eq(images.id, row.id));
    expect(again!.b).toEqual(bands);
  });

  it("finds a hash whose differing bits fall in 6 different bands, and not one that differs in 7", async () => {
    const base = randomHash();
    const query = await addImage(base);
    // One flipped bit at the start of each of the first 6 bands (the 7th band agrees): distance 6.
    const worst = await addImage(flip(base, BAND_STARTS.slice(0, 6).reduce((m, s) => m | bit(s), 0n)));
    // Flipped in every band: distance 7, beyond the limit.
    const beyond = await addImage(flip(base, BAND_STARTS.reduce((m, s) => m | bit(s), 0n)));
    const found = await matches(query);
    expect(found.has(query.id)).toBe(true);
    expect(found.has(worst.id)).toBe(true);
    expect(found.has(beyond.id)).toBe(false);
  });

  it("agrees with the distance to every image, for random hashes and flips", async () => {
    const base = randomHash();
    const query = await addImage(base);
    const added: { id: string; phash: string; informative: boolean }[] = [];
    for (let i = 0; i < 120; i++) {
      let mask = 0n;
      const flips = i % 11; // 0 … 10 bits
      while (mask.toString(2).replaceAll("0", "").length < flips) mask |= bit(Math.floor(Math.random() * 64));
      const informative = i % 7 !== 3;
      const row = await addImage(flip(base, mask), informative);
      added.push({ id: row.id, phash: row.phash, informative });
    }
    const found = await matches(query);
    for (const a of added) {
      expect([a.id, found.has(a.id)]).toEqual([a.id, a.informative && distance(a.phash, base) <= NEAR_DUPLICATE_MAX_DISTANCE]);
    }
    // An uninformative query matches its own bytes only.
    expect(await matches({ ...query, phashInformative: false })).toEqual(new Set([query.id]));
  });

  it("can be served by the band index and the primary key (a plan without a scan of every image)", async () => {
    const db = shared.t().db;
    const query = await addImage(randomHash());
    // A small test table is cheapest to scan whole; with scans priced out, the plan shows whether the
    // query can use the indexes at all (at 100 000 images the planner picks them itself: npm run bench:queue).
    const plan = await db.transaction(async (tx) => {
      await tx.execute(sql`set local enable_seqscan = off`);
      const q = tx.select({ id: images.id }).from(images).where(inArray(images.id, matchingImageIds(tx, query)));
      const res = (await tx.execute(sql`explain ${q}`)) as unknown;
      const rows = (Array.isArray(res) ? res : (res as { rows: unknown[] }).rows) as Record<string, string>[];
      return rows.map((r) => Object.values(r)[0]).join("\n");
    });
    expect(plan).toContain("images_phash_bands_idx");
    expect(plan).not.toMatch(/Seq Scan on images/);
  });
});
