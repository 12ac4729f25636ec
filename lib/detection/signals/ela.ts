// Error-level analysis: re-save at a known JPEG quality and look at how much each region changes.
// Regions that were compressed before at that quality barely change; never-compressed or pasted-in
// regions change more. Raw ELA tracks texture, so each block's error is divided by its own
// high-frequency energy before comparing regions (otherwise every edge "lights up").
import sharp from "sharp";
import { heatmapPng, lumaOf, normalise, quantile, residualOf, round, sigmoid } from "../pixels";
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
    const y = lumaOf(a);
    const n = a.width * a.height;
    const y8 = Buffer.allocUnsafe(n); // every byte is written below
    for (let i = 0; i < n; i++) y8[i] = (y.data[i]! + 0.5) | 0; // Math.round for luma ≥ 0
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
    for (let by = 0; by < rows; by++) {
      for (let bx = 0; bx < cols; bx++) {
        let se = 0;
        let st = 0;
        for (let yy = by * BLOCK; yy < (by + 1) * BLOCK; yy++) {
          for (let i = yy * a.width + bx * BLOCK, end = i + BLOCK; i < end; i++) {
            se += Math.abs(y8[i]! - resaved[i]!);
            st += Math.abs(res.data[i]!);
          }
        }
        e.values[by * cols + bx] = se;
        t[by * cols + bx] = st;
      }
    }
    const area = BLOCK * BLOCK;
    for (let b = 0; b < t.length; b++) { e.values[b]! /= area; t[b]! /= area; }
    const ratio = new Float32Array(e.values.length);
    for (let i = 0; i < ratio.length; i++) ratio[i] = e.values[i]! / (t[i]! + 1);
    const med = quantile(ratio, 0.5);
    const spread = (quantile(ratio, 0.95) - quantile(ratio, 0.05)) / (med + 0.05);
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
      ? { png: heatmapPng(normalise(ratio), e.cols, e.rows, a.width, a.height), label: "Re-compression error relative to local texture (red = responds most)" }
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
