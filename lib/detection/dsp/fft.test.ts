import { describe, expect, it } from "vitest";
import { fft, fftColumns, powerSpectrum2d } from "./fft";

describe("fft", () => {
  it("matches a naive DFT", () => {
    const n = 16;
    const x = Array.from({ length: n }, (_, i) => Math.sin(i * 0.7) + (i % 3));
    const re = Float64Array.from(x);
    const im = new Float64Array(n);
    fft(re, im);
    for (let k = 0; k < n; k++) {
      let sr = 0, si = 0;
      for (let t = 0; t < n; t++) {
        sr += x[t]! * Math.cos((2 * Math.PI * k * t) / n);
        si -= x[t]! * Math.sin((2 * Math.PI * k * t) / n);
      }
      expect(re[k]).toBeCloseTo(sr, 9);
      expect(im[k]).toBeCloseTo(si, 9);
    }
  });

  it("puts a 2-D cosine's energy at its frequency", () => {
    const n = 32;
    const tile = new Float64Array(n * n);
    for (let y = 0; y < n; y++) for (let x = 0; x < n; x++) tile[y * n + x] = Math.cos((2 * Math.PI * 4 * x) / n);
    const p = powerSpectrum2d(tile, n);
    const peak = p.indexOf(Math.max(...p));
    expect([4, n - 4]).toContain(peak);
  });

  it("refuses sizes that are not powers of two", () => {
    expect(() => fft(new Float64Array(12), new Float64Array(12))).toThrow(/power of two/);
  });
});

describe("powerSpectrum2d", () => {
  it("matches a direct 2-D DFT on a random tile", () => {
    const n = 8;
    const tile = Float64Array.from({ length: n * n }, (_, i) => Math.sin(i * 1.7) * 10 + (i % 5));
    const p = powerSpectrum2d(tile, n);
    for (let ky = 0; ky < n; ky++) for (let kx = 0; kx < n; kx++) {
      let r = 0, im = 0;
      for (let y = 0; y < n; y++) for (let x = 0; x < n; x++) {
        const a = (-2 * Math.PI * (kx * x + ky * y)) / n;
        r += tile[y * n + x]! * Math.cos(a);
        im += tile[y * n + x]! * Math.sin(a);
      }
      expect(p[ky * n + kx]).toBeCloseTo(r * r + im * im, 6);
    }
  });
});

describe("powerSpectrum2d accumulation", () => {
  it("adds into a given array exactly what it would return", () => {
    const n = 16;
    const a = Float64Array.from({ length: n * n }, (_, i) => Math.cos(i * 0.37) * 7 + (i % 7));
    const b = Float64Array.from({ length: n * n }, (_, i) => Math.sin(i * 1.3) * 3);
    const acc = new Float64Array(n * n);
    powerSpectrum2d(a, n, acc);
    powerSpectrum2d(b, n, acc);
    const pa = powerSpectrum2d(a, n);
    const pb = powerSpectrum2d(b, n);
    for (let i = 0; i < n * n; i++) expect(acc[i]).toBeCloseTo(pa[i]! + pb[i]!, 6);
  });
});

describe("fftColumns", () => {
  it("gives every column exactly (bit for bit) what fft() gives it alone", () => {
    for (const n of [2, 8, 32, 64]) {
      const cols = 5;
      const re = Float64Array.from({ length: n * cols }, (_, i) => Math.sin(i * 0.91) * 50 + (i % 7));
      const im = Float64Array.from({ length: n * cols }, (_, i) => Math.cos(i * 0.37) * 20);
      const expected = Array.from({ length: cols }, (_, c) => {
        const r = Float64Array.from({ length: n }, (_, y) => re[y * cols + c]!);
        const m = Float64Array.from({ length: n }, (_, y) => im[y * cols + c]!);
        fft(r, m);
        return [r, m] as const;
      });
      fftColumns(re, im, n, cols);
      for (let c = 0; c < cols; c++) {
        for (let y = 0; y < n; y++) {
          expect(re[y * cols + c]).toBe(expected[c]![0][y]);
          expect(im[y * cols + c]).toBe(expected[c]![1][y]);
        }
      }
    }
  });
});
