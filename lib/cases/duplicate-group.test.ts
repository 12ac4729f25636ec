// The duplicate group a new case joins (lib/cases/duplicate-group.ts), through submitImage: the same
// bytes and a near-duplicate join the first case's group, a different picture and flat pictures
// (uninformative hashes) do not, and the case row carries its image's size for the queue's size sort.
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { makeJpeg } from "../detection/testing";
import { useSharedTestDb } from "../testing/shared-test-db";
import { TEST_DB_KINDS } from "../testing/test-db";
import { submitImage } from "./submit-image";

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
