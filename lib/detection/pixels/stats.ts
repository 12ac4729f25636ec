// Statistics over planes and samples: block standard deviations and means, quantiles, correlation,
// and the small numeric helpers the signals share.
import type { Plane } from "./transforms";

export interface BlockGrid {
  values: Float32Array;
  cols: number;
  rows: number;
  block: number;
}

/**
 * Per full `block`×`block` tile (row-major), in one pass: the standard deviation of `a` and the mean
 * of `b` (a plane of the same size).
 */
export function blockStdAndMean(a: Plane, b: Plane, block: number): { std: BlockGrid; mean: BlockGrid } {
  const cols = Math.floor(a.width / block);
  const rows = Math.floor(a.height / block);
  const sd = new Float32Array(cols * rows);
  const mn = new Float32Array(cols * rows);
  const sums = new Float64Array(3 * cols);
  for (let by = 0; by < rows; by++) {
    blockRowSums(a.data, b.data, a.width, block, by, cols, sums);
    for (let bx = 0; bx < cols; bx++) {
      const n = block * block;
      const m = sums[3 * bx]! / n;
      sd[by * cols + bx] = Math.sqrt(Math.max(0, sums[3 * bx + 1]! / n - m * m));
      mn[by * cols + bx] = sums[3 * bx + 2]! / n;
    }
  }
  return { std: { values: sd, cols, rows, block }, mean: { values: mn, cols, rows, block } };
}

/**
 * For each tile of block row `by`: Σa, Σa² and Σb into sums[3·bx …]. Each tile is summed row by row,
 * left to right; four neighbouring tiles are summed side by side so that their additions, which do not
 * depend on one another, overlap in the CPU (one tile at a time is a chain of dependent additions).
 * Each tile's own order of additions is unchanged, so the sums are exactly those of a tile-by-tile loop.
 */
function blockRowSums(da: Float32Array, db: Float32Array, w: number, block: number, by: number, cols: number, sums: Float64Array): void {
  const y0 = by * block;
  let bx = 0;
  for (; bx + 4 <= cols; bx += 4) {
    let s0 = 0, q0 = 0, t0 = 0, s1 = 0, q1 = 0, t1 = 0, s2 = 0, q2 = 0, t2 = 0, s3 = 0, q3 = 0, t3 = 0;
    for (let y = y0; y < y0 + block; y++) {
      for (let i = y * w + bx * block, end = i + block; i < end; i++) {
        let v = da[i]!;
        s0 += v; q0 += v * v; t0 += db[i]!;
        v = da[i + block]!;
        s1 += v; q1 += v * v; t1 += db[i + block]!;
        v = da[i + 2 * block]!;
        s2 += v; q2 += v * v; t2 += db[i + 2 * block]!;
        v = da[i + 3 * block]!;
        s3 += v; q3 += v * v; t3 += db[i + 3 * block]!;
      }
    }
    const o = 3 * bx;
    sums[o] = s0; sums[o + 1] = q0; sums[o + 2] = t0;
    sums[o + 3] = s1; sums[o + 4] = q1; sums[o + 5] = t1;
    sums[o + 6] = s2; sums[o + 7] = q2; sums[o + 8] = t2;
    sums[o + 9] = s3; sums[o + 10] = q3; sums[o + 11] = t3;
  }
  for (; bx < cols; bx++) {
    let s = 0, q = 0, t = 0;
    for (let y = y0; y < y0 + block; y++) {
      for (let i = y * w + bx * block, end = i + block; i < end; i++) {
        const v = da[i]!;
        s += v; q += v * v; t += db[i]!;
      }
    }
    sums[3 * bx] = s;
    sums[3 * bx + 1] = q;
    sums[3 * bx + 2] = t;
  }
}

export function mean(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]!;
  return a.length ? s / a.length : 0;
}

export function std(a: ArrayLike<number>, m = mean(a)): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i]! - m) ** 2;
  return a.length ? Math.sqrt(s / a.length) : 0;
}

export function quantile(a: ArrayLike<number>, q: number): number {
  return quantiles(a, [q])[0]!;
}

/** Several quantiles (linear interpolation) of one sample, sorting it once. */
export function quantiles(a: ArrayLike<number>, qs: readonly number[]): number[] {
  if (a.length === 0) return qs.map(() => 0);
  const s = Float64Array.from(a).sort();
  return qs.map((q) => {
    const pos = (s.length - 1) * q;
    const lo = Math.floor(pos);
    const hi = Math.min(s.length - 1, lo + 1);
    return s[lo]! + (s[hi]! - s[lo]!) * (pos - lo);
  });
}

export function pearson(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const ma = mean(a);
  const mb = mean(b);
  let sab = 0, saa = 0, sbb = 0;
  for (let i = 0; i < a.length; i++) {
    const da = a[i]! - ma;
    const db = b[i]! - mb;
    sab += da * db;
    saa += da * da;
    sbb += db * db;
  }
  return saa > 0 && sbb > 0 ? sab / Math.sqrt(saa * sbb) : 0;
}

export const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));
export const clamp01 = (x: number) => Math.min(1, Math.max(0, x));
/**
 * Math.round(t) for finite t, as floor(t + 0.5) corrected for the one case where t + 0.5 rounds up to
 * the next integer (t = 0.5 − 2⁻⁵⁴). In hot loops V8 runs it several times faster than Math.round
 * (1 M values into a histogram: 12 → 3.5 ms).
 */
export function roundHalfUp(t: number): number {
  const r = Math.floor(t + 0.5);
  return r - 0.5 > t ? r - 1 : r; // r − 0.5 is exact; r − t would not be for t just below 0.5
}

export const round = (x: number, d = 3) => Math.round(x * 10 ** d) / 10 ** d;

/** Scale a grid to 0..1 by robust range (2nd..98th percentile). */
export function normalise(values: Float32Array): Float32Array {
  const [lo, hi] = quantiles(values, [0.02, 0.98]) as [number, number];
  const out = new Float32Array(values.length);
  const r = hi - lo || 1;
  for (let i = 0; i < values.length; i++) out[i] = clamp01((values[i]! - lo) / r);
  return out;
}
