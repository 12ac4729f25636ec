// One orientation convention: heatmaps and the display image are upright (EXIF applied), whatever
// way the pixels are stored.
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { renderDisplayImage } from "./display";
import { runDetection } from "./run-detection";
import { displaySize, orientGrid, orientPipeline, storedPoint } from "./orientation";
import { encodeIndexedPng, identityMap, makePalette } from "./png";
import { makePixels } from "./testing/fixtures";

const GREY = makePalette((v) => [Math.round(255 * v), Math.round(255 * v), Math.round(255 * v)]);

async function rawOf(png: Buffer, channel = 0) {
  const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
  const out = Buffer.alloc(info.width * info.height);
  for (let i = 0; i < out.length; i++) out[i] = data[i * info.channels + channel]!;
  return { data: out, width: info.width, height: info.height };
}

function correlation(a: Buffer, b: Buffer): number {
  const n = a.length;
  let sa = 0;
  let sb = 0;
  for (let i = 0; i < n; i++) {
    sa += a[i]!;
    sb += b[i]!;
  }
  const ma = sa / n;
  const mb = sb / n;
  let num = 0;
  let da = 0;
  let db = 0;
  for (let i = 0; i < n; i++) {
    num += (a[i]! - ma) * (b[i]! - mb);
    da += (a[i]! - ma) ** 2;
    db += (b[i]! - mb) ** 2;
  }
  return num / Math.sqrt(da * db);
}

describe("orientation", () => {
  // A 5×3 grid with every cell distinct, rendered at full resolution (one pixel per cell).
  const cols = 5;
  const rows = 3;
  const cells = Uint8Array.from({ length: cols * rows }, (_, i) => i * 17);

  it.each([1, 2, 3, 4, 5, 6, 7, 8])("orientation %i: the grid rendering equals sharp's own turn of the stored rendering", async (o) => {
    const stored = encodeIndexedPng(cells, cols, identityMap(cols), identityMap(rows), GREY);
    const expected = await rawOf(await orientPipeline(sharp(stored), o).png().toBuffer());
    const oriented = orientGrid(cells, cols, identityMap(cols), identityMap(rows), o);
    const got = await rawOf(encodeIndexedPng(oriented.cells, oriented.cols, oriented.colOf, oriented.rowOf, GREY));
    expect({ width: got.width, height: got.height }).toEqual(displaySize(o, cols, rows));
    expect([...got.data]).toEqual([...expected.data]);
    // storedPoint agrees with both.
    for (let Y = 0; Y < got.height; Y++) {
      for (let X = 0; X < got.width; X++) {
        const [x, y] = storedPoint(o, X, Y, cols, rows);
        expect(got.data[Y * got.width + X]).toBe(cells[y * cols + x]);
      }
    }
  });

  it.each([3, 6, 8])("orientation %i: sharp's EXIF auto-orientation of a JPEG matches the engine's display image", async (o) => {
    const p = makePixels({ width: 96, height: 64, seed: 5 });
    const jpeg = await sharp(p.data, { raw: { width: 96, height: 64, channels: 3 } }).withMetadata({ orientation: o }).jpeg({ quality: 95 }).toBuffer();
    const viaExif = await rawOf(await sharp(jpeg).rotate().png().toBuffer(), 1);
    const display = await renderDisplayImage(jpeg);
    if (!display.ok) throw new Error(display.error.message);
    expect({ width: display.value.width, height: display.value.height }).toEqual({ width: viaExif.width, height: viaExif.height });
    const ours = await rawOf(await sharp(display.value.webp).png().toBuffer(), 1);
    // WebP q90 is lossy: compare closely, not exactly.
    expect(correlation(ours.data, viaExif.data)).toBeGreaterThan(0.98);
  });

  it("an orientation-6 phone photo: each spatial heatmap lies over the pixel regions it describes", async () => {
    // Stored 480×320 (the sensor's landscape), displayed 320×480. A very noisy 128×96 region sits at
    // stored (32..160, 32..128); displayed, turned 90° clockwise, it is at x 192..288, y 32..160.
    const W = 480;
    const H = 320;
    const base = makePixels({ width: W, height: H, seed: 3, noise: 6 });
    const patch = makePixels({ width: 128, height: 96, seed: 9, noise: 40 });
    for (let y = 0; y < 96; y++) patch.data.copy(base.data, ((32 + y) * W + 32) * 3, y * 128 * 3, (y + 1) * 128 * 3);
    const raw = { raw: { width: W, height: H, channels: 3 as const } };
    const tagged = await sharp(base.data, raw).withMetadata({ orientation: 6 }).jpeg({ quality: 92 }).toBuffer();
    // The same picture stored upright: its heatmaps are the reference for where things are.
    const upright = await sharp(base.data, raw).rotate(90).jpeg({ quality: 92 }).toBuffer();
    const [a, b] = await Promise.all([runDetection(tagged), runDetection(upright)]);
    if (!a.ok || !b.ok) throw new Error("decode failed");
    for (const id of ["ela", "noise", "ml"]) {
      const mapA = a.value.signals.find((s) => s.id === id)?.heatmap;
      const mapB = b.value.signals.find((s) => s.id === id)?.heatmap;
      expect(mapA, id).toBeDefined();
      const ga = await rawOf(mapA!.png);
      const gb = await rawOf(mapB!.png);
      expect({ id, width: ga.width, height: ga.height }).toEqual({ id, width: gb.width, height: gb.height });
      expect(ga.height).toBeGreaterThan(ga.width); // portrait, as displayed
      expect(correlation(ga.data, gb.data), id).toBeGreaterThan(0.2);
    }
    // The ELA map sets the textured region apart (heat = R − G), where it is displayed.
    const png = a.value.signals.find((s) => s.id === "ela")!.heatmap!.png;
    const [red, green] = await Promise.all([rawOf(png, 0), rawOf(png, 1)]);
    const heat = { ...red, data: Buffer.from(red.data.map((r, i) => Math.max(0, r - green.data[i]!))) };
    const sx = heat.width / H;
    const sy = heat.height / W;
    let inside = 0;
    let nIn = 0;
    let outside = 0;
    let nOut = 0;
    for (let y = 0; y < heat.height; y++) {
      for (let x = 0; x < heat.width; x++) {
        const X = x / sx;
        const Y = y / sy;
        const v = heat.data[y * heat.width + x]!;
        if (X >= 200 && X < 280 && Y >= 40 && Y < 150) (inside += v), nIn++;
        else if (X < 180 || Y > 180) (outside += v), nOut++;
      }
    }
    // Heavy texture hides re-compression error, so the region reads cooler than the rest.
    expect(outside / nOut - inside / nIn).toBeGreaterThan(20);
  });
});
