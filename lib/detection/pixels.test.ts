import { describe, expect, it } from "vitest";
import { blockStdAndMean, luma, luma8Of, lumaOf, quantile, quantiles, releasePlanes, residual, residualOf, roundHalfUp, type Plane } from "./pixels";
import type { RawImage } from "./signal";
import { rng } from "./testing/fixtures";

function randomImage(width: number, height: number, channels: 1 | 3 | 4, seed: number): RawImage {
  const r = rng(seed);
  const data = Buffer.alloc(width * height * channels);
  for (let i = 0; i < data.length; i++) data[i] = Math.floor(r() * 256);
  return { data, width, height, channels };
}

function randomPlane(width: number, height: number, seed: number, scale = 1): Plane {
  const r = rng(seed);
  return { data: Float32Array.from({ length: width * height }, () => (r() - 0.5) * scale), width, height };
}

describe("luma planes", () => {
  it("luma8Of is Math.round of lumaOf, for RGB, grey and RGBA", () => {
    for (const channels of [3, 1, 4] as const) {
      const img = randomImage(37, 23, channels, channels);
      const y = lumaOf(img).data;
      const y8 = luma8Of(img);
      expect(y8.length).toBe(y.length);
      for (let i = 0; i < y.length; i++) expect(y8[i]).toBe(Math.round(y[i]!));
      // The memoised plane is the plain luma().
      expect(Array.from(y)).toEqual(Array.from(luma(img).data));
    }
  });

  it("a grey image's 8-bit luma is its own pixels", () => {
    const img: RawImage = { data: Buffer.from([0, 1, 128, 255]), width: 2, height: 2, channels: 1 };
    expect(Array.from(luma8Of(img))).toEqual([0, 1, 128, 255]);
  });

  it("planes handed back by releasePlanes carry nothing over to the next image of the same size", () => {
    const a = randomImage(64, 48, 3, 11);
    const b = randomImage(64, 48, 3, 12);
    lumaOf(a);
    residualOf(a);
    releasePlanes(a);
    expect(Array.from(lumaOf(b).data)).toEqual(Array.from(luma(b).data));
    expect(Array.from(luma8Of(b))).toEqual(Array.from(luma(b).data, (v) => Math.round(v)));
    expect(Array.from(residualOf(b).data)).toEqual(Array.from(residual(luma(b)).data));
    releasePlanes(b);
  });
});

describe("residual", () => {
  it("is the pixel minus the mean of its 4 neighbours, 0 on the border", () => {
    const p = randomPlane(9, 7, 3, 255);
    const r = residual(p).data;
    for (let y = 0; y < 7; y++) {
      for (let x = 0; x < 9; x++) {
        const i = y * 9 + x;
        const d = p.data;
        const want = y === 0 || x === 0 || y === 6 || x === 8 ? 0 : Math.fround(d[i]! - 0.25 * (d[i - 1]! + d[i + 1]! + d[i - 9]! + d[i + 9]!));
        expect(r[i]).toBe(want);
      }
    }
  });
});

describe("blockStdAndMean", () => {
  it("equals a tile-by-tile loop exactly, also when the tile columns are not a multiple of four", () => {
    for (const [w, h, block] of [[7 * 8 + 3, 3 * 8, 8], [4 * 16, 2 * 16 + 5, 16], [2 * 32, 32, 32]] as const) {
      const a = randomPlane(w, h, w, 9);
      const b = randomPlane(w, h, h, 255);
      const got = blockStdAndMean(a, b, block);
      const cols = Math.floor(w / block);
      const rows = Math.floor(h / block);
      expect([got.std.cols, got.std.rows]).toEqual([cols, rows]);
      for (let by = 0; by < rows; by++) {
        for (let bx = 0; bx < cols; bx++) {
          let s = 0, s2 = 0, t = 0;
          for (let y = by * block; y < (by + 1) * block; y++) {
            for (let x = bx * block; x < (bx + 1) * block; x++) {
              const v = a.data[y * w + x]!;
              s += v;
              s2 += v * v;
              t += b.data[y * w + x]!;
            }
          }
          const n = block * block;
          const m = s / n;
          expect(got.std.values[by * cols + bx]).toBe(Math.fround(Math.sqrt(Math.max(0, s2 / n - m * m))));
          expect(got.mean.values[by * cols + bx]).toBe(Math.fround(t / n));
        }
      }
    }
  });
});

describe("quantiles", () => {
  it("interpolates linearly and agrees with quantile()", () => {
    expect(quantiles([4, 1, 3, 2], [0, 0.5, 1])).toEqual([1, 2.5, 4]);
    const xs = Float32Array.from({ length: 101 }, (_, i) => (i * 37) % 101);
    const qs = [0.02, 0.05, 0.5, 0.95, 0.98];
    expect(quantiles(xs, qs)).toEqual(qs.map((q) => quantile(xs, q)));
    expect(quantiles(xs, [0.5])).toEqual([50]);
    expect(quantiles([], [0.1, 0.9])).toEqual([0, 0]);
  });
});

describe("roundHalfUp", () => {
  it("is Math.round, including ties, −0.5 and the value just below 0.5", () => {
    const edges = [0, 0.5, -0.5, 1.5, -1.5, 2.5, -2.5, 0.49999999999999994, -0.49999999999999994, 0.5000000000000001, 1e-300, -1e-300, 4503599627370495.5, -4503599627370495.5, 2 ** 53, 123.456, -123.456];
    for (const t of edges) expect(roundHalfUp(t), String(t)).toBe(Math.round(t) + 0); // + 0 turns −0 into 0
  });

  it("agrees with Math.round on random values around the DCT coefficient range", () => {
    const r = rng(5);
    for (let i = 0; i < 100_000; i++) {
      const t = (r() - 0.5) * 2 ** (1 + Math.floor(r() * 12));
      expect(roundHalfUp(t)).toBe(Math.round(t) + 0);
    }
  });
});
