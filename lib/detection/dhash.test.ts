import { describe, expect, it } from "vitest";
import { differenceHash } from "./dhash";
import { displaySize, storedPoint } from "./orientation";
import type { RawImage } from "./signal";

/**
 * The definition differenceHash must match to the bit (stored hashes and the duplicate groups built
 * on them predate its faster loop): every display pixel, in row-major display order, adds its luma to
 * its cell, the stored pixel found through storedPoint.
 */
function referenceHash(image: RawImage, orientation?: number): { hash: string; informative: boolean } {
  const { width: w, height: h, channels: ch, data } = image;
  const d = displaySize(orientation, w, h);
  const sum = new Float64Array(72);
  const n = new Float64Array(72);
  for (let Y = 0; Y < d.height; Y++) {
    for (let X = 0; X < d.width; X++) {
      const [x, y] = storedPoint(orientation, X, Y, w, h);
      const o = (y * w + x) * ch;
      const v = ch >= 3 ? 0.299 * data[o]! + 0.587 * data[o + 1]! + 0.114 * data[o + 2]! : data[o]!;
      const c = Math.min(7, Math.floor((Y * 8) / d.height)) * 9 + Math.min(8, Math.floor((X * 9) / d.width));
      sum[c]! += v;
      n[c]! += 1;
    }
  }
  const mean = (c: number) => (n[c] ? sum[c]! / n[c]! : 0);
  let bits = 0n;
  let distinct = 0;
  for (let y = 0; y < 8; y++) {
    for (let x = 0; x < 8; x++) {
      const g = mean(y * 9 + x) - mean(y * 9 + x + 1);
      bits = (bits << 1n) | (g > 0 ? 1n : 0n);
      if (Math.abs(g) >= 1) distinct++;
    }
  }
  return { hash: bits.toString(16).padStart(16, "0"), informative: distinct >= 8 };
}

function randomImage(seed: number, width: number, height: number, channels: 1 | 3 | 4, spread: number): RawImage {
  let s = seed * 2654435761 || 1;
  const rnd = () => ((s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32);
  const data = Buffer.alloc(width * height * channels);
  // Around one grey level with `spread` of noise: with a small spread the cell means differ by tiny
  // amounts, so any change in how the sums are formed would flip bits.
  const level = 40 + Math.floor(rnd() * 170);
  for (let i = 0; i < data.length; i++) data[i] = level + Math.floor(rnd() * spread);
  return { data, width, height, channels } as RawImage;
}

describe("differenceHash", () => {
  it("equals the per-pixel definition for every orientation, channel count and shape", () => {
    const shapes = [[64, 48], [37, 53], [1, 40], [40, 1], [9, 8], [200, 131]] as const;
    let compared = 0;
    for (const [width, height] of shapes) {
      for (const channels of [1, 3, 4] as const) {
        for (const spread of [2, 46]) {
          const image = randomImage(width * 1000 + height * 10 + channels + spread, width, height, channels, spread);
          for (const orientation of [undefined, 1, 2, 3, 4, 5, 6, 7, 8]) {
            expect(differenceHash(image, orientation), `${width}×${height}×${channels} orientation ${orientation}`).toEqual(referenceHash(image, orientation));
            compared++;
          }
        }
      }
    }
    expect(compared).toBe(6 * 3 * 2 * 9);
  });

  it("turns with the orientation: the hash of a stored image shown turned equals that of the upright pixels", () => {
    // A 48×32 stored image with orientation 6 (turned 90° clockwise to display), and the same pixels
    // copied out upright (32×48, no orientation).
    const image = randomImage(7, 48, 32, 3, 200);
    const upright = Buffer.alloc(image.data.length);
    for (let Y = 0; Y < 48; Y++) for (let X = 0; X < 32; X++) {
      const [x, y] = storedPoint(6, X, Y, 48, 32);
      image.data.copy(upright, (Y * 32 + X) * 3, (y * 48 + x) * 3, (y * 48 + x) * 3 + 3);
    }
    expect(differenceHash(image, 6)).toEqual(differenceHash({ data: upright, width: 32, height: 48, channels: 3 } as RawImage));
  });
});
