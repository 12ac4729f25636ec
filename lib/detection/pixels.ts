// Pixel helpers shared by the pixel signals: luma, high-pass residual, block statistics, heatmaps.
import { encodeIndexedPng, makePalette, nearestMap } from "./png";
import type { RawImage } from "./signal";

/** A single-channel float plane. */
export interface Plane {
  data: Float32Array;
  width: number;
  height: number;
}

// Several signals need the same luma and residual of `image.analysis`: compute them once per image.
const lumaCache = new WeakMap<RawImage, Plane>();
const residualCache = new WeakMap<RawImage, Plane>();
/** Luma rounded to 8 bits, written in the same pass as the luma (ELA re-saves it as a JPEG). */
const luma8Cache = new WeakMap<RawImage, Uint8Array>();
const bytePool = new Map<number, Uint8Array[]>();

/**
 * Planes of finished images, reused for the next image of the same size: each analysis image needs two
 * 4-byte-per-pixel planes, and handing V8 16 MB of fresh ArrayBuffers per 1024² scan drives most of
 * its full garbage collections. Only runDetection returns planes here, after every signal has finished.
 */
const planePool = new Map<number, Float32Array[]>();
const POOL_PER_SIZE = 4;

/** A plane of n values with undefined contents (callers overwrite every value). */
function takePlane(n: number): Float32Array {
  return planePool.get(n)?.pop() ?? new Float32Array(n);
}

/**
 * Give the memoised planes of `img` back for reuse. The caller guarantees nothing reads them any more
 * (runDetection calls this once all signals have settled).
 */
export function releasePlanes(img: RawImage): void {
  for (const cache of [lumaCache, residualCache]) {
    const p = cache.get(img);
    if (!p) continue;
    cache.delete(img);
    giveBack(planePool, p.data);
  }
  const y8 = luma8Cache.get(img);
  if (y8) {
    luma8Cache.delete(img);
    giveBack(bytePool, y8);
  }
}

function giveBack<T extends { length: number }>(pool: Map<number, T[]>, buffer: T): void {
  const free = pool.get(buffer.length) ?? [];
  if (free.length < POOL_PER_SIZE) free.push(buffer);
  pool.set(buffer.length, free);
}

/** Memoised luma of a decoded image (treat the result as read-only). */
export function lumaOf(img: RawImage): Plane {
  let p = lumaCache.get(img);
  if (!p) {
    const n = img.width * img.height;
    const y8 = bytePool.get(n)?.pop() ?? new Uint8Array(n);
    p = { data: takePlane(n), width: img.width, height: img.height };
    if (img.channels === 3) lumaRgb(img.data, p.data, y8);
    else {
      luma(img, p.data);
      for (let i = 0; i < n; i++) y8[i] = (p.data[i]! + 0.5) | 0;
    }
    lumaCache.set(img, p);
    luma8Cache.set(img, y8);
  }
  return p;
}

/** Memoised luma of a decoded image rounded to 0..255 (Math.round of lumaOf's values; read-only). */
export function luma8Of(img: RawImage): Uint8Array {
  lumaOf(img);
  return luma8Cache.get(img)!;
}

/** Memoised high-pass residual of a decoded image's luma (read-only). */
export function residualOf(img: RawImage): Plane {
  let p = residualCache.get(img);
  if (!p) residualCache.set(img, (p = residual(lumaOf(img), takePlane(img.width * img.height))));
  return p;
}

/** Luma of a sub-rectangle (for full-resolution work on a crop without converting the whole image). */
export function lumaCrop(img: RawImage, x0: number, y0: number, w: number, h: number): Plane {
  const { width, channels, data } = img;
  const out = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    let j = ((y0 + y) * width + x0) * channels;
    for (let x = 0; x < w; x++, j += channels) {
      out[y * w + x] = channels === 1 ? data[j]! : 0.299 * data[j]! + 0.587 * data[j + 1]! + 0.114 * data[j + 2]!;
    }
  }
  return { data: out, width: w, height: h };
}

/** BT.601 luma (the JPEG YCbCr definition, T.871), 0..255. */
export function luma(img: RawImage, out: Float32Array = new Float32Array(img.width * img.height)): Plane {
  const { width, height, channels, data } = img;
  if (channels === 1) {
    for (let i = 0; i < out.length; i++) out[i] = data[i]!;
  } else if (channels === 3) {
    lumaRgb(data, out);
  } else {
    for (let i = 0, j = 0; i < out.length; i++, j += channels) {
      out[i] = 0.299 * data[j]! + 0.587 * data[j + 1]! + 0.114 * data[j + 2]!;
    }
  }
  return { data: out, width, height };
}

/**
 * Luma of interleaved RGB (the analysis image's layout: a constant stride lets V8 compile a tighter
 * loop), and when `out8` is given the same values rounded to bytes in the same pass (Math.round, as
 * luma ≥ 0), which costs less than a second pass over the float plane.
 */
function lumaRgb(rgb: Uint8Array, out: Float32Array, out8?: Uint8Array): void {
  if (!out8) {
    for (let i = 0, j = 0; i < out.length; i++, j += 3) out[i] = 0.299 * rgb[j]! + 0.587 * rgb[j + 1]! + 0.114 * rgb[j + 2]!;
    return;
  }
  for (let i = 0, j = 0; i < out.length; i++, j += 3) {
    const v = Math.fround(0.299 * rgb[j]! + 0.587 * rgb[j + 1]! + 0.114 * rgb[j + 2]!);
    out[i] = v;
    out8[i] = (v + 0.5) | 0;
  }
}

/**
 * High-pass noise residual: pixel minus the mean of its 4 neighbours (a discrete Laplacian / 4).
 * Cheap stand-in for a denoiser residual; it keeps sensor noise and generator texture, drops content
 * gradients. Border pixels are 0.
 */
export function residual(p: Plane, out: Float32Array = new Float32Array(p.width * p.height)): Plane {
  const { width: w, height: h, data } = p;
  // Borders are 0 (`out` may be a reused plane, so they are written, not assumed).
  out.fill(0, 0, w);
  out.fill(0, Math.max(0, (h - 1) * w));
  for (let y = 1; y < h - 1; y++) {
    const row = y * w;
    out[row] = 0;
    out[row + w - 1] = 0;
    // The left, centre and right values slide along the row: one new load a pixel instead of three.
    let left = data[row]!;
    let centre = data[row + 1]!;
    for (let x = 1; x < w - 1; x++) {
      const i = row + x;
      const right = data[i + 1]!;
      out[i] = centre - 0.25 * (left + right + data[i - w]! + data[i + w]!);
      left = centre;
      centre = right;
    }
  }
  return { data: out, width: w, height: h };
}

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

/** Heatmap colours for 0..1: dark blue → yellow → red ("hot" evidence in red). */
export const HEAT_PALETTE = makePalette((v) => [
  Math.round(255 * clamp01(v * 2)),
  Math.round(255 * clamp01(v < 0.5 ? v * 1.6 : (1 - v) * 1.6 + 0.2)),
  Math.round(255 * clamp01(0.6 - v)),
]);

/**
 * Colour-map a grid (values already scaled to 0..1, quantised to 256 levels) to a palette PNG,
 * upscaled with nearest neighbour to `width`×`height` (at most 512 px on the long side: it is a map of
 * blocks, not a picture) so it overlays the analysed image, turned to the image's display
 * orientation (EXIF `orientation`) so it lies over what a browser shows.
 */
export function heatmapPng(values: ArrayLike<number>, cols: number, rows: number, width: number, height: number, orientation?: number): Buffer {
  const s = Math.min(1, 512 / Math.max(width, height));
  const w = Math.max(1, Math.round(width * s));
  const h = Math.max(1, Math.round(height * s));
  const level = new Uint8Array(cols * rows);
  for (let i = 0; i < level.length; i++) level[i] = roundHalfUp(255 * clamp01(values[i]!));
  return encodeIndexedPng(level, cols, nearestMap(cols, w), nearestMap(rows, h), HEAT_PALETTE, orientation);
}

/** Scale a grid to 0..1 by robust range (2nd..98th percentile). */
export function normalise(values: Float32Array): Float32Array {
  const [lo, hi] = quantiles(values, [0.02, 0.98]) as [number, number];
  const out = new Float32Array(values.length);
  const r = hi - lo || 1;
  for (let i = 0; i < values.length; i++) out[i] = clamp01((values[i]! - lo) / r);
  return out;
}
