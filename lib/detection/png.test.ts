import sharp from "sharp";
import { describe, expect, it } from "vitest";
import zlib from "node:zlib";
import { crc32, encodeIndexedPng, identityMap, makePalette, nearestMap } from "./png";

const ramp = makePalette((v) => [Math.round(255 * v), 255 - Math.round(255 * v), 7]);
const withAlpha = makePalette((v) => [Math.round(255 * v), 0, 0, Math.round(255 * (1 - v))]);

async function decode(png: Buffer) {
  const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, channels: info.channels };
}

describe("encodeIndexedPng", () => {
  it("decodes (libpng, CRCs checked) to the palette colour of every cell at full resolution", async () => {
    const w = 37;
    const h = 23;
    const cells = Uint8Array.from({ length: w * h }, (_, i) => (i * 7 + (i % 5) * 31) & 255);
    const d = await decode(encodeIndexedPng(cells, w, identityMap(w), identityMap(h), ramp));
    expect([d.width, d.height, d.channels]).toEqual([w, h, 3]);
    for (let i = 0; i < w * h; i++) {
      const c = cells[i]!;
      expect([d.data[3 * i], d.data[3 * i + 1], d.data[3 * i + 2]]).toEqual([ramp.rgb[3 * c], ramp.rgb[3 * c + 1], ramp.rgb[3 * c + 2]]);
    }
  });

  it("upscales a grid by nearest neighbour (repeated rows go through the Up filter)", async () => {
    const cells = Uint8Array.of(0, 50, 100, 150, 200, 250);
    const d = await decode(encodeIndexedPng(cells, 3, nearestMap(3, 9), nearestMap(2, 8), ramp));
    expect([d.width, d.height]).toEqual([9, 8]);
    for (let y = 0; y < 8; y++) {
      for (let x = 0; x < 9; x++) expect(d.data[3 * (y * 9 + x)]).toBe(cells[Math.floor(y / 4) * 3 + Math.floor(x / 3)]);
    }
  });

  it("carries per-colour alpha in tRNS", async () => {
    const d = await decode(encodeIndexedPng(Uint8Array.from([0, 128, 255, 64]), 2, identityMap(2), identityMap(2), withAlpha));
    expect(d.channels).toBe(4);
    expect(Array.from(d.data.subarray(0, 4))).toEqual([0, 0, 0, 255]);
    expect(d.data[4]).toBe(128);
    expect(d.data[4 * 2 + 3]).toBe(0);
  });

  it("handles 1×1 and refuses maps outside the grid", async () => {
    expect((await decode(encodeIndexedPng(Uint8Array.of(200), 1, identityMap(1), identityMap(1), ramp))).data[0]).toBe(200);
    expect(() => encodeIndexedPng(new Uint8Array(4), 2, identityMap(3), identityMap(2), ramp)).toThrow(/column index 2/);
    expect(() => encodeIndexedPng(new Uint8Array(4), 2, identityMap(2), identityMap(3), ramp)).toThrow(/row index 2/);
    expect(() => encodeIndexedPng(new Uint8Array(0), 1, identityMap(0), identityMap(1), ramp)).toThrow(/empty image/);
  });
});

describe("crc32", () => {
  it("is the standard CRC-32 (check value of \"123456789\", and zlib's on random bytes)", () => {
    expect(crc32(Buffer.from("123456789"))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
    const bytes = Uint8Array.from({ length: 5000 }, (_, i) => (i * 2654435761) >>> 24);
    if (typeof zlib.crc32 === "function") expect(crc32(bytes)).toBe(zlib.crc32(bytes));
  });
});
