import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { makeJpeg } from "../detection/testing";
import { useSharedTestDb } from "../testing/shared-test-db";
import { TEST_DB_KINDS } from "../testing/test-db";
import { relatedCases } from "./related-cases";
import { submitImage } from "./submit-image";

describe.each(TEST_DB_KINDS)("related cases on %s", (kind) => {
  const shared = useSharedTestDb(kind);

  it("finds the same bytes and a re-encoded, resized copy, but not a different picture", async () => {
    const original = await makeJpeg({ width: 400, height: 300, seed: 77 });
    const resized = await sharp(original).resize(200, 150).jpeg({ quality: 60 }).toBuffer();
    const other = await makeJpeg({ width: 400, height: 300, seed: 78 });
    const submit = (bytes: Buffer, filename: string) => submitImage({ ctx: { db: shared.t().db, actor: shared.actor() }, input: { bytes, filename, source: "upload" } });
    const a = await submit(original, "a.jpg");
    const b = await submit(original, "b.jpg");
    const c = await submit(resized, "c.jpg");
    const d = await submit(other, "d.jpg");
    expect(d.image.phash).not.toBe(a.image.phash);
    const related = await relatedCases(shared.t().db, a.case.id, a.image);
    const byId = new Map(related.map((r) => [r.id, r]));
    expect(byId.get(b.case.id)).toMatchObject({ sameImage: true, distance: 0 });
    expect(byId.get(c.case.id)?.sameImage).toBe(false);
    expect(byId.get(c.case.id)!.distance).toBeLessThanOrEqual(6);
    expect(byId.has(d.case.id)).toBe(false);
    expect(byId.has(a.case.id)).toBe(false);
  });

  it("never matches flat pictures with each other by hash, only by identical bytes", async () => {
    const flat = (r: number, g: number, b: number, w = 300, h = 200) => sharp({ create: { width: w, height: h, channels: 3, background: { r, g, b } } }).png().toBuffer();
    const submit = (bytes: Buffer, filename: string) => submitImage({ ctx: { db: shared.t().db, actor: shared.actor() }, input: { bytes, filename, source: "upload" } });
    const white = await submit(await flat(255, 255, 255), "white.png");
    const black = await submit(await flat(0, 0, 0, 640, 480), "black.png");
    const whiteAgain = await submit(await flat(255, 255, 255), "white-again.png");
    expect(white.image.phashInformative).toBe(false);
    expect(black.image.phash).toBe(white.image.phash); // the collision the flag exists for
    const related = await relatedCases(shared.t().db, white.case.id, white.image);
    expect(related.map((r) => [r.id, r.sameImage])).toEqual([[whiteAgain.case.id, true]]);
    // And an informative picture is not matched with a flat one either.
    const photo = await submit(await makeJpeg({ width: 300, height: 200, seed: 79 }), "photo.jpg");
    expect(photo.image.phashInformative).toBe(true);
    expect((await relatedCases(shared.t().db, photo.case.id, photo.image)).map((r) => r.id)).not.toContain(white.case.id);
  });
});
