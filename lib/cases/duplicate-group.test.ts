// The duplicate group a new case joins (lib/cases/duplicate-group.ts), through submitImage: the same
// bytes and a near-duplicate join the first case's group, a different picture and flat pictures
// (uninformative hashes) do not, and the case row carries its image's size for the queue's size sort.
// Then with chosen dHashes: a case that matches several groups merges them into the oldest, and two
// transactions that assign at once (PostgreSQL) do not split a group.
import { randomBytes } from "node:crypto";
import { eq, inArray, sql } from "drizzle-orm";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import type { Db } from "../../db";
import { cases, images, policies } from "../../db/schema";
import { makeJpeg } from "../detection/testing";
import { newId } from "../ids";
import { useSharedTestDb } from "../testing/shared-test-db";
import { TEST_DB_KINDS } from "../testing/test-db";
import { applyDuplicateDecision } from "./apply-duplicate-decision";
import { decideCase } from "./decide-case";
import { assignDuplicateGroup } from "./duplicate-group";
import { relatedCases } from "./related-cases";
import { submitImage } from "./submit-image";

/** A random 64-bit dHash as hex, and the hash that differs from it in the bits of `mask`. */
const randomHash = () => randomBytes(8).toString("hex");
const flip = (hash: string, mask: bigint) => (BigInt(`0x${hash}`) ^ mask).toString(16).padStart(16, "0");

describe.each(TEST_DB_KINDS)("duplicate groups on %s", (kind) => {
  const shared = useSharedTestDb(kind);
  const submit = (bytes: Buffer, filename: string) => submitImage({ ctx: { db: shared.t().db, actor: shared.actor() }, input: { bytes, filename, source: "upload" } });

  it("puts the same bytes and a resized copy in the first case's group, and a different picture in its own", async () => {
    const original = await makeJpeg({ width: 400, height: 300, seed: 177 });
    const a = await submit(original, "a.jpg");
    const b = await submit(original, "b.jpg");
    const c = await submit(await sharp(original).resize(200, 150).jpeg({ quality: 60 }).toBuffer(), "c.jpg");
    const d = await submit(await makeJpeg({ width: 400, height: 300, seed: 178 }), "d.jpg");
    expect(a.case.duplicateGroup).toBe(a.image.id);
    expect(b.case.duplicateGroup).toBe(a.case.duplicateGroup);
    expect(c.image.id).not.toBe(a.image.id);
    expect(c.case.duplicateGroup).toBe(a.case.duplicateGroup);
    expect(d.case.duplicateGroup).toBe(d.image.id);
    for (const r of [a, b, c, d]) expect(r.case.imageSizeBytes).toBe(r.image.sizeBytes);
  });

  it("never groups flat pictures by hash, only by identical bytes", async () => {
    const flat = (v: number, w: number, h: number) => sharp({ create: { width: w, height: h, channels: 3, background: { r: v, g: v, b: v } } }).png().toBuffer();
    const white = await submit(await flat(255, 310, 210), "white.png");
    const black = await submit(await flat(0, 650, 490), "black.png");
    const whiteAgain = await submit(await flat(255, 310, 210), "white-again.png");
    expect(black.image.phash).toBe(white.image.phash);
    expect(black.case.duplicateGroup).toBe(black.image.id);
    expect(whiteAgain.case.duplicateGroup).toBe(white.case.duplicateGroup);
  });
});

describe.each(TEST_DB_KINDS)("merging duplicate groups on %s", (kind) => {
  const shared = useSharedTestDb(kind, "moderator");

  /** An image of dHash `phash` (or another case of image `of`), and its case, in one transaction. */
  async function add(db: Db, opts: { phash?: string; of?: string; deleted?: boolean; pause?: Promise<void>; assigned?: () => void }) {
    const [policy] = await db.select({ id: policies.id }).from(policies).limit(1);
    return db.transaction(async (tx) => {
      const imageId = opts.of ?? newId("image");
      if (!opts.of) {
        const sha = randomBytes(32).toString("hex");
        await tx.insert(images).values({ id: imageId, sha256: sha, mime: "image/png", format: "png", sizeBytes: 1, width: 1, height: 1, storageKey: `test/${sha}`, phash: opts.phash!, phashInformative: true });
      }
      const [image] = await tx.select().from(images).where(eq(images.id, imageId));
      const id = newId("case");
      await tx.insert(cases).values({ id, imageId, imageSizeBytes: 1, duplicateGroup: imageId, duplicateGroupShared: false, source: "upload", policyId: policy!.id, state: "manual_review", deletedAt: opts.deleted ? new Date() : null });
      const { duplicateGroup: group, duplicateGroupShared: shared } = await assignDuplicateGroup(tx, id, image!);
      opts.assigned?.();
      await opts.pause;
      return { id, imageId, group, shared };
    });
  }
  const rowsOf = (ids: string[]) => shared.t().db.select({ id: cases.id, group: cases.duplicateGroup, shared: cases.duplicateGroupShared }).from(cases).where(inArray(cases.id, ids));
  const groupsOf = async (ids: string[]) => new Map((await rowsOf(ids)).map((r) => [r.id, r.group]));
  const sharedOf = async (ids: string[]) => new Map((await rowsOf(ids)).map((r) => [r.id, r.shared]));

  it("merges every group a new case matches into the oldest, re-pointing all their cases (deleted ones too)", async () => {
    const db = shared.t().db;
    const base = randomHash();
    const a = await add(db, { phash: base });
    expect(a.shared).toBe(false);
    const aAgain = await add(db, { of: a.imageId });
    expect(aAgain.shared).toBe(true);
    expect((await sharedOf([a.id])).get(a.id)).toBe(true);
    // B is 10 bits from A: its own group, and so are its near-duplicate and a deleted case of it.
    const b = await add(db, { phash: flip(base, 0x3ffn) });
    const bNear = await add(db, { phash: flip(base, 0x7ffn) });
    const bDeleted = await add(db, { of: b.imageId, deleted: true });
    const far = await add(db, { phash: flip(base, 0xffff_0000_0000n) });
    expect([aAgain.group, b.group, bNear.group, bDeleted.group, far.group]).toEqual([a.imageId, b.imageId, b.imageId, b.imageId, far.imageId]);
    // C is 6 bits from A and 4 from B: it joins A's group (the older), and B's cases follow it.
    const c = await add(db, { phash: flip(base, 0x3fn) });
    expect(c.group).toBe(a.imageId);
    const after = await groupsOf([a, aAgain, b, bNear, bDeleted, c, far].map((x) => x.id));
    expect([a, aAgain, b, bNear, bDeleted, c].map((x) => after.get(x.id))).toEqual(Array(6).fill(a.imageId));
    expect(after.get(far.id)).toBe(far.imageId);
    const flags = await sharedOf([a, aAgain, b, bNear, bDeleted, c, far].map((x) => x.id));
    expect([a, aAgain, b, bNear, bDeleted, c, far].map((x) => flags.get(x.id))).toEqual([true, true, true, true, true, true, false]);
    // A later case near B alone joins the merged group.
    expect((await add(db, { phash: flip(base, 0xbffn) })).group).toBe(a.imageId);
  });

  it("a deleted case does not bridge groups by hash, but its bytes still name their group", async () => {
    const db = shared.t().db;
    const base = randomHash();
    const a = await add(db, { phash: base });
    const gone = await add(db, { phash: flip(base, 0x3fn), deleted: true });
    expect(gone.group).toBe(a.imageId);
    const b = await add(db, { phash: flip(base, 0xfffn) });
    // 6 bits from the deleted case only (12 from A): not merged into A.
    expect(b.group).toBe(b.imageId);
    expect((await add(db, { of: gone.imageId })).group).toBe(a.imageId);
  });

  it("offers and applies the same decision between direct duplicates of a merged group, and refuses the rest", async () => {
    const db = shared.t().db;
    const ctx = { db, actor: shared.actor() };
    const base = randomHash();
    const a = await add(db, { phash: base });
    const b = await add(db, { phash: flip(base, 0x3ffn) });
    const c = await add(db, { phash: flip(base, 0x3fn) });
    expect(new Set((await groupsOf([a.id, b.id, c.id])).values())).toEqual(new Set([a.imageId]));
    await decideCase({ ctx, input: { caseId: a.id, outcome: "confirmed_ai" } });
    // B is in A's group through C, but 10 bits from A: the case page offers it no decision of A's, and
    // the verb refuses it; C (6 bits from A) is offered A's and takes it.
    const [imgB] = await db.select().from(images).where(eq(images.id, b.imageId));
    expect((await relatedCases(db, b.id, imgB!)).map((r) => r.id)).not.toContain(a.id);
    await expect(applyDuplicateDecision({ ctx, input: { caseId: b.id, sourceCaseId: a.id } })).rejects.toMatchObject({ code: "invalid_request" });
    const [imgC] = await db.select().from(images).where(eq(images.id, c.imageId));
    expect((await relatedCases(db, c.id, imgC!)).find((r) => r.id === a.id)).toMatchObject({ outcome: "confirmed_ai" });
    expect((await applyDuplicateDecision({ ctx, input: { caseId: c.id, sourceCaseId: a.id } })).decision.outcome).toBe("confirmed_ai");
  });

  // PostgreSQL only: PGlite has one connection, so its transactions never overlap.
  if (kind === "postgres") it("does not split a group when another transaction merges it at the same time (the second waits)", async () => {
    const db = shared.t().db;
    const base = randomHash();
    const a = await add(db, { phash: base });
    const b = await add(db, { phash: flip(base, 0x3ffn) });
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let assigned!: () => void;
    const firstAssigned = new Promise<void>((r) => (assigned = r));
    // C merges B's group into A's and holds its transaction open.
    const first = add(db, { phash: flip(base, 0x3fn), pause: gate, assigned });
    await firstAssigned;
    // D is near B (1 bit) and C (5), not A: had it read B's group before C's commit, it would stay in B.
    const second = add(db, { phash: flip(base, 0xbffn) });
    const waiting = async () =>
      ((await db.execute(sql`select count(*)::int as n from pg_locks where locktype = 'advisory' and objid = 4242003 and not granted and database = (select oid from pg_database where datname = current_database())`)) as unknown as { n: number }[])[0]!.n;
    for (let i = 0; i < 500 && (await waiting()) === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(await waiting()).toBe(1);
    release();
    const [c, d] = await Promise.all([first, second]);
    expect([c.group, d.group]).toEqual([a.imageId, a.imageId]);
    expect(new Set((await groupsOf([a.id, b.id, c.id, d.id])).values())).toEqual(new Set([a.imageId]));
  });
});
