// Frequency analysis of the noise residual. Generators upsample feature maps by 2 (transposed
// convolutions, nearest/bilinear upsampling in the VAE decoder), which leaves periodic peaks at N/2,
// N/4 … in the residual spectrum (Zhang et al. 2019 "Detecting and simulating artifacts in GAN fake
// images"; Corvi et al. 2023 on diffusion models). The radial spectral slope of the luma also departs
// from the ≈ 1/f² falloff of natural photographs.
import { powerSpectrum2d } from "../dsp/fft";
import { heatmapPng, lumaOf, residualOf, round, sigmoid, type Plane } from "../pixels";
import { defineSignal } from "../signal";

// Score = sigmoid(A·periodicPeak + B·(−(slope + 2)) + C). The fitted A is strongly negative: on this
// data periodic traces at n/4 and n/2 come from resizing in real photos' pipelines and from the JPEG
// grid's even harmonics far more often than from generators, so periodicity counts towards "authentic"
// and the flag is neutral. A grid-strength feature would fit better (train AUC 0.77) but mostly encodes
// "was a JPEG before", the format shortcut the dataset README warns about, so it is left out.
// Coefficients from `npx tsx lib/detection/cli/fit-fusion.ts --signal-stats --sample 3` (one-signal logistic
// regression on every 3rd train item, as-is and JPEG-re-encoded; class-balanced, L2 0.01; train AUC 0.715).
const A = -5.351;
const B = 0.409;
const C = 0.875;

/** Flag thresholds (log10 power ratios) well above the ≈ ±0.05 noise floor of the line measure. */
const UP_FLAG = 0.8;
const GRID_FLAG = 0.15;

const hannCache = new Map<number, Float64Array>();
function hann(n: number): Float64Array {
  let w = hannCache.get(n);
  if (!w) {
    w = new Float64Array(n);
    for (let i = 0; i < n; i++) w[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / (n - 1));
    hannCache.set(n, w);
  }
  return w;
}

const tileScratch = new Map<number, Float64Array>();

/**
 * Up to maxTiles² central tiles of n×n from a plane (|values| when `abs`), mean-removed and
 * Hann-windowed; their averaged power spectrum.
 */
function welch(p: Plane, n: number, maxTiles: number, abs: boolean): Float64Array {
  const win = hann(n);
  const tx = Math.min(maxTiles, Math.floor(p.width / n));
  const ty = Math.min(maxTiles, Math.floor(p.height / n));
  const x0 = Math.floor((p.width - tx * n) / 2);
  const y0 = Math.floor((p.height - ty * n) / 2);
  const acc = new Float64Array(n * n);
  // welch() never awaits, so one scratch tile per size is safe to share between concurrent scans.
  let tile = tileScratch.get(n);
  if (!tile) tileScratch.set(n, (tile = new Float64Array(n * n)));
  for (let j = 0; j < ty; j++) {
    for (let i = 0; i < tx; i++) {
      windowedTile(p.data, p.width, x0 + i * n, y0 + j * n, n, abs, win, tile);
      powerSpectrum2d(tile, n, acc);
    }
  }
  for (let k = 0; k < acc.length; k++) acc[k]! /= tx * ty;
  return acc;
}

/** The n×n tile at (x0, y0) of a plane of width w (|values| when `abs`), mean-removed and windowed. */
function windowedTile(data: Float32Array, w: number, x0: number, y0: number, n: number, abs: boolean, win: Float64Array, tile: Float64Array): void {
  let m = 0;
  for (let y = 0; y < n; y++) {
    const row = (y0 + y) * w + x0;
    for (let x = 0; x < n; x++) {
      const v = abs ? Math.abs(data[row + x]!) : data[row + x]!;
      tile[y * n + x] = v;
      m += v;
    }
  }
  m /= n * n;
  for (let y = 0; y < n; y++) {
    const wy = win[y]!;
    for (let x = 0, k = y * n; x < n; x++, k++) tile[k] = (tile[k]! - m) * win[x]! * wy;
  }
}

/** fftshift'ed log10 of an n×n power spectrum, scaled to 0..1 (the spectrum heatmap). */
function spectrumImage(ps: Float64Array, n: number): Float32Array {
  const h = n / 2;
  const vis = new Float32Array(n * n);
  let lo = Infinity, hi = -Infinity;
  for (let y = 0; y < n; y++) {
    const src = ((y + h) % n) * n;
    for (let x = 0, o = y * n; x < n; x++, o++) {
      // ln·log10(e): half the cost of Math.log10, within an ulp, and only the picture uses it.
      const v = Math.log(ps[src + (x < h ? x + h : x - h)]! + 1e-6) * Math.LOG10E;
      vis[o] = v;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  for (let i = 0; i < vis.length; i++) vis[i] = (vis[i]! - lo) / (hi - lo || 1);
  return vis;
}

/** log10 of the mean power of the 3×3 bins at (fx, fy) (a windowed tone spreads over ±1 bin) over the
 * median of the rest of its 7×7 neighbourhood. */
function pointPeak(ps: Float64Array, n: number, fx: number, fy: number): number {
  const around: number[] = [];
  for (let dy = -3; dy <= 3; dy++) for (let dx = -3; dx <= 3; dx++) {
    if (Math.abs(dx) <= 1 && Math.abs(dy) <= 1) continue;
    around.push(ps[((fy + dy + n) % n) * n + ((fx + dx + n) % n)]!);
  }
  around.sort((a, b) => a - b);
  let centre = 0;
  for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) centre += ps[((fy + dy + n) % n) * n + ((fx + dx + n) % n)]!;
  return Math.log10((centre / 9 + 1e-12) / (around[Math.floor(around.length / 2)]! + 1e-12));
}

/**
 * A periodic pattern along x (block grid, upsampling) modulated by content along y puts its energy on
 * the whole spectral column fx = f, not on one bin. Ratio (log10) of that column's total power to the
 * mean of the columns 2 and 3 bins away; summing ~n bins makes the noise floor tight (≈ 0 ± 0.03).
 */
function linePeak(ps: Float64Array, n: number, f: number, axis: "x" | "y"): number {
  const line = (g: number) => {
    const k = (g + n) % n;
    let s = 0;
    for (let t = 1; t < n; t++) s += axis === "x" ? ps[t * n + k]! : ps[k * n + t]!;
    return s;
  };
  const ref = (line(f - 2) + line(f - 3) + line(f + 2) + line(f + 3)) / 4;
  return Math.log10((line(f) + 1e-12) / (ref + 1e-12));
}

const both = (ps: Float64Array, n: number, f: number) => Math.max(linePeak(ps, n, f, "x"), linePeak(ps, n, f, "y"));

/** Rounded radius of every bin of an n×n spectrum (DC at 0,0, wrapped frequencies), per n. */
const radiusCache = new Map<number, Int32Array>();
function radii(n: number): Int32Array {
  let r = radiusCache.get(n);
  if (!r) {
    r = new Int32Array(n * n);
    for (let y = 0; y < n; y++) for (let x = 0; x < n; x++) {
      const fx = x <= n / 2 ? x : x - n;
      const fy = y <= n / 2 ? y : y - n;
      r[y * n + x] = Math.round(Math.sqrt(fx * fx + fy * fy));
    }
    radiusCache.set(n, r);
  }
  return r;
}

/** Radial log–log slope of the power spectrum between n/32 and n/2 (natural images ≈ −2). */
function radialSlope(ps: Float64Array, n: number): number {
  const bins = new Float64Array(n / 2);
  const counts = new Float64Array(n / 2);
  const rad = radii(n);
  for (let k = 0; k < n * n; k++) {
    const r = rad[k]!;
    if (r > 0 && r < n / 2) { bins[r]! += ps[k]!; counts[r]! += 1; }
  }
  const xs: number[] = [];
  const ys: number[] = [];
  for (let r = Math.max(1, n / 32); r < n / 2; r++) if (counts[r]! > 0 && bins[r]! > 0) { xs.push(Math.log(r)); ys.push(Math.log(bins[r]! / counts[r]!)); }
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  let sxy = 0, sxx = 0;
  for (let i = 0; i < xs.length; i++) { sxy += (xs[i]! - mx) * (ys[i]! - my); sxx += (xs[i]! - mx) ** 2; }
  return sxx > 0 ? sxy / sxx : 0;
}

export default defineSignal({
  id: "frequency",
  version: "1.2.1",
  title: "Frequency spectrum",
  messages: {
    upsampling_peaks: { message: "The noise spectrum has periodic peaks at 1/4 or 1/2 cycle per pixel: traces of interpolation (resizing, or a generator's upsampling layers).", direction: "neutral" },
    jpeg_grid_peaks: { message: "Peaks at multiples of 1/8 cycle/pixel: the 8×8 JPEG block grid (expected for JPEG files).", direction: "neutral" },
    steep_falloff: { message: "High frequencies fall off faster than in typical photographs (unusually smooth fine detail).", direction: "ai" },
    natural_falloff: { message: "The spectrum falls off like a natural photograph's.", direction: "authentic" },
    too_small: { message: "The image is too small for spectral analysis.", direction: "neutral" },
  },
  async run(image, ctx) {
    const a = image.analysis;
    const side = Math.min(a.width, a.height);
    const n = side >= 256 ? 256 : side >= 128 ? 128 : 0;
    if (!n) return { score: null, notApplicable: true, flags: [{ code: "too_small" }], summary: "Too small for spectral analysis." };
    // Block grids and interpolation make the residual's *variance* periodic (edges of random sign), so
    // the periodicity shows in |residual|, not in the signed residual (Popescu & Farid 2005, resampling).
    const res = welch(residualOf(a), n, 2, true);
    // The slope is a smooth, high-SNR statistic: one central tile is enough.
    const img = welch(lumaOf(a), n, 1, false);
    // Upsampling by 2 and 4 peaks at n/2 and n/4 (axes and diagonal); the JPEG grid adds n/8 multiples,
    // which we report separately because JPEG files always have them.
    const h = n / 2;
    const q = n / 4;
    const up = Math.max(both(res, n, h), both(res, n, q), pointPeak(res, n, h, h), pointPeak(res, n, q, q));
    const e = n / 8;
    const grid = Math.max(both(res, n, e), both(res, n, 3 * e));
    const slope = radialSlope(img, n);
    const flags: { code: "upsampling_peaks" | "jpeg_grid_peaks" | "steep_falloff" | "natural_falloff"; detail?: string }[] = [];
    if (up > UP_FLAG && grid < GRID_FLAG) flags.push({ code: "upsampling_peaks", detail: `(peak ${round(10 ** up, 1)}× its surroundings)` });
    if (grid > GRID_FLAG) flags.push({ code: "jpeg_grid_peaks" });
    if (slope < -3.2) flags.push({ code: "steep_falloff", detail: `(slope ${round(slope, 2)})` });
    else if (slope > -2.8 && slope < -1.6) flags.push({ code: "natural_falloff", detail: `(slope ${round(slope, 2)})` });
    const score = round(sigmoid(A * up + B * -(slope + 2) + C), 4);
    let heatmap;
    if (ctx.heatmaps) {
      // The log spectrum of the residual, centred: the evidence panel shows it as an image.
      heatmap = { png: heatmapPng(spectrumImage(res, n), n, n, n, n), label: "Spectrum of the noise-residual magnitude (centre = low frequencies; dots and lines = periodic traces)" };
    }
    return {
      score,
      flags,
      summary: `Strongest upsampling peak ${round(10 ** up, 1)}× its surroundings; spectral slope ${round(slope, 2)} (photos ≈ −2 to −3).`,
      heatmap,
      details: { tile: n, upsamplingPeakLog10: round(up, 3), jpegGridPeakLog10: round(grid, 3), spectralSlope: round(slope, 3) },
    };
  },
});
