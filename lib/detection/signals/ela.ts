// Error-level analysis: re-save at a known JPEG quality and look at how much each region changes.
// Regions that were compressed before at that quality barely change; never-compressed or pasted-in
// regions change more. Raw ELA tracks texture, so each block's error is divided by its own
// high-frequency energy before comparing regions (otherwise every edge "lights up").
import sharp from "sharp";
import { heatmapPng, luma8Of, normalise, quantile, quantiles, residualOf, round, sigmoid } from "../pixels";
import { defineSignal } from "../signal";

const RESAVE_QUALITY = 90;
const BLOCK = 16;

// Score = sigmoid(A·log(median texture-normalised ELA) + B·inconsistency + C).
// Coefficients from `npx tsx lib/detection/fusion/fit.ts --signal-stats --sample 3` (one-signal logistic
// regression on every 3rd train item, as-is and JPEG-re-encoded; class-balanced, L2 0.01; train AUC 0.64).

const A = 0.378;
const B = 1.052;
const C = -0.081;

export default defineSignal({
  id: "ela",
  version: "1.2.2",
  title: "Error-level analysis",
  messages: {
    high_error_level: { message: "The image changes a lot when re-saved as JPEG, as images that were never JPEG-compressed do.", direction: "neutral" },
    low_error_level: { message: "The image barely changes when re-saved: it already went through JPEG compression at similar quality.", direction: "neutral" },
    inconsistent_regions: { message: "Some regions respond to re-compression very differently from the rest (possible local edit or composite).", direction: "ai" },
    too_small: { message: "The image is too small for error-level analysis.", direction: "neutral" },
  },
  async run(image, ctx) {
    const a = image.analysis;
    if (a.width < BLOCK * 2 || a.height < BLOCK * 2) {
      return { score: null, notApplicable: true, flags: [{ code: "too_small" }], summary: "Too small for error-level analysis." };
    }
    // Luma only: one JPEG channel is a third of the encode/decode work, and error levels in the
    // chroma channels mostly repeat the luma's at 4:4:4.
    const y8 = luma8Of(a);
    // A one-component JPEG, decoded without a detour through sRGB: the same pixels as a YCbCr file
    // with flat chroma, at two thirds of the work. Huffman optimisation would change only the entropy
    // coding (same pixels) and cost a second pass.
    const resaved = await sharp(y8, { raw: { width: a.width, height: a.height, channels: 1 } })
      .toColourspace("b-w")
      .jpeg({ quality: RESAVE_QUALITY, optimiseCoding: false })
      .toBuffer()
      .then((j) => sharp(j).pipelineColourspace("b-w").toColourspace("b-w").raw().toBuffer());
    // Per-block means of |error| and |residual| in one pass.
    const res = residualOf(a);
    const cols = Math.floor(a.width / BLOCK);
    const rows = Math.floor(a.height / BLOCK);
    const e = { values: new Float32Array(cols * rows), cols, rows };
    const t = new Float32Array(cols * rows);
    blockAbsSums(y8, resaved, res.data, a.width, cols, rows, e.values, t);
    const area = BLOCK * BLOCK;
    for (let b = 0; b < t.length; b++) { e.values[b]! /= area; t[b]! /= area; }
    const ratio = new Float32Array(e.values.length);
    for (let i = 0; i < ratio.length; i++) ratio[i] = e.values[i]! / (t[i]! + 1);
    const [med, p95, p05] = quantiles(ratio, [0.5, 0.95, 0.05]) as [number, number, number];
    const spread = (p95 - p05) / (med + 0.05);
    let outliers = 0;
    for (const r of ratio) if (r > med * 3 + 0.1) outliers++;
    const outlierShare = outliers / ratio.length;
    const meanError = quantile(e.values, 0.5);
    const flags: { code: "high_error_level" | "low_error_level" | "inconsistent_regions"; detail?: string }[] = [];
    if (med > 0.6) flags.push({ code: "high_error_level", detail: `(median ${round(meanError, 2)} levels)` });
    if (med < 0.25) flags.push({ code: "low_error_level", detail: `(median ${round(meanError, 2)} levels)` });
    if (outlierShare > 0.02 && outlierShare < 0.4) flags.push({ code: "inconsistent_regions", detail: `(${round(outlierShare * 100, 1)} % of blocks)` });
    const score = round(sigmoid(A * Math.log(med + 0.01) + B * Math.min(spread, 6) + C), 4);
    const heatmap = ctx.heatmaps
      ? { png: heatmapPng(normalise(ratio), e.cols, e.rows, a.width, a.height, image.orientation), label: "Re-compression error relative to local texture (red = responds most)" }
      : undefined;
    return {
      score,
      flags,
      summary:
        `Re-saving at quality ${RESAVE_QUALITY} changes pixels by ${round(meanError, 2)} levels (median block), ` +
        `${flags.some((f) => f.code === "inconsistent_regions") ? `with ${round(outlierShare * 100, 1)} % of blocks standing out` : "evenly across the image"}.`,
      heatmap,
      details: { resaveQuality: RESAVE_QUALITY, block: BLOCK, medianError: round(meanError, 3), medianRatio: round(med, 4), spread: round(spread, 3), outlierShare: round(outlierShare, 4) },
    };
  },
});

// The per-pixel loop lives in a small function of typed arguments rather than inline in the async
// run(), where V8 compiled it into slower code.

/**
 * Per BLOCK×BLOCK tile (row-major): the sums of |a − b| and of |r|. Four neighbouring tiles are summed
 * side by side so their independent additions overlap in the CPU; each tile's own order of additions
 * (row by row, left to right) is unchanged, so the sums are exactly those of a tile-by-tile loop.
 */
function blockAbsSums(a: Uint8Array, b: Uint8Array, r: Float32Array, w: number, cols: number, rows: number, sumAbsDiff: Float32Array, sumAbsR: Float32Array): void {
  for (let by = 0; by < rows; by++) {
    let bx = 0;
    for (; bx + 4 <= cols; bx += 4) {
      let e0 = 0, e1 = 0, e2 = 0, e3 = 0;
      let t0 = 0, t1 = 0, t2 = 0, t3 = 0;
      for (let y = by * BLOCK; y < (by + 1) * BLOCK; y++) {
        for (let i = y * w + bx * BLOCK, end = i + BLOCK; i < end; i++) {
          e0 += Math.abs(a[i]! - b[i]!);
          t0 += Math.abs(r[i]!);
          e1 += Math.abs(a[i + BLOCK]! - b[i + BLOCK]!);
          t1 += Math.abs(r[i + BLOCK]!);
          e2 += Math.abs(a[i + 2 * BLOCK]! - b[i + 2 * BLOCK]!);
          t2 += Math.abs(r[i + 2 * BLOCK]!);
          e3 += Math.abs(a[i + 3 * BLOCK]! - b[i + 3 * BLOCK]!);
          t3 += Math.abs(r[i + 3 * BLOCK]!);
        }
      }
      const o = by * cols + bx;
      sumAbsDiff[o] = e0; sumAbsDiff[o + 1] = e1; sumAbsDiff[o + 2] = e2; sumAbsDiff[o + 3] = e3;
      sumAbsR[o] = t0; sumAbsR[o + 1] = t1; sumAbsR[o + 2] = t2; sumAbsR[o + 3] = t3;
    }
    for (; bx < cols; bx++) {
      let e = 0;
      let t = 0;
      for (let y = by * BLOCK; y < (by + 1) * BLOCK; y++) {
        for (let i = y * w + bx * BLOCK, end = i + BLOCK; i < end; i++) {
          e += Math.abs(a[i]! - b[i]!);
          t += Math.abs(r[i]!);
        }
      }
      sumAbsDiff[by * cols + bx] = e;
      sumAbsR[by * cols + bx] = t;
    }
  }
}
