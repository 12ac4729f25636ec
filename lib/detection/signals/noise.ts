// Noise residual statistics. A camera's sensor leaves fine, nearly white, signal-dependent noise over
// the whole frame (shot noise grows with brightness; PRNU is a fixed multiplicative pattern). Generators
// synthesise texture instead: residuals are smoother (positively correlated between neighbours), less
// tied to brightness, and their level varies from region to region.
import { blockStdAndMean, heatmapPng, lumaOf, mean, pearson, quantile, quantiles, residualOf, round, sigmoid, std } from "../pixels";
import { defineSignal } from "../signal";

const BLOCK = 32;

// Score = sigmoid(A·lag1 + B·brightnessCorr + C·log(inconsistency) + E·modelDeviationStd + D).
// Coefficients from `npx tsx lib/detection/fusion/fit.ts --signal-stats --sample 3` (one-signal logistic
// regression on every 3rd train item, as-is and JPEG-re-encoded; class-balanced, L2 0.01; train AUC 0.70).

const A = 0.582;
const B = -0.827;
const C = -0.877;
const D = -1.108;
const E = 4.451;

/** Least-squares line y ≈ alpha + beta·x (beta 0 when x has no spread). */
function fitLine(x: number[], y: number[]): { alpha: number; beta: number } {
  const mx = mean(x);
  const my = mean(y);
  let sxy = 0, sxx = 0;
  for (let i = 0; i < x.length; i++) { sxy += (x[i]! - mx) * (y[i]! - my); sxx += (x[i]! - mx) ** 2; }
  const beta = sxx > 0 ? sxy / sxx : 0;
  return { alpha: my - beta * mx, beta };
}

/**
 * Mean of the horizontal and vertical lag-1 autocorrelation of a plane, on every second row away from
 * the 2-pixel border. A function of its own (not inline in run()) so V8 optimises the loop whole.
 */
function lag1Correlation(d: Float32Array, w: number, h: number): number {
  let c0 = 0, c1 = 0;
  for (let y = 2; y < h - 2; y += 2) {
    for (let x = 2; x < w - 2; x++) {
      const i = y * w + x;
      const v = d[i]!;
      c0 += v * v;
      c1 += v * (d[i + 1]! + d[i + w]!) * 0.5;
    }
  }
  return c0 > 0 ? c1 / c0 : 0;
}

export default defineSignal({
  id: "noise",
  version: "1.2.0",
  title: "Sensor-noise residual",
  messages: {
    smooth_residual: { message: "The fine-scale residual is smooth rather than grainy, unlike sensor noise.", direction: "ai" },
    white_residual: { message: "The fine-scale residual is grainy and uncorrelated, like camera sensor noise.", direction: "authentic" },
    signal_dependent: { message: "Noise grows with brightness as photon shot noise does.", direction: "authentic" },
    inconsistent_noise: { message: "Noise level differs strongly between similar regions of the image.", direction: "ai" },
    too_small: { message: "The image is too small for noise analysis.", direction: "neutral" },
  },
  async run(image, ctx) {
    const a = image.analysis;
    if (a.width < BLOCK * 3 || a.height < BLOCK * 3) {
      return { score: null, notApplicable: true, flags: [{ code: "too_small" }], summary: "Too small for noise analysis." };
    }
    const y = lumaOf(a);
    const r = residualOf(a);
    const { width: w, height: h } = r;
    // Lag-1 autocorrelation of the residual (horizontal and vertical). White noise through this
    // Laplacian gives −0.4; smooth synthetic texture pushes it towards 0 or above.
    const lag1 = lag1Correlation(r.data, w, h);
    const { std: sigma, mean: bright } = blockStdAndMean(r, y, BLOCK);
    // Flat, unclipped blocks: texture does not dominate the residual there and shot noise is visible.
    const sLo = quantile(sigma.values, 0.5);
    const idx: number[] = [];
    for (let i = 0; i < sigma.values.length; i++) {
      const b = bright.values[i]!;
      if (sigma.values[i]! <= sLo && b > 20 && b < 235) idx.push(i);
    }
    const flatSigma = idx.map((i) => sigma.values[i]!);
    const flatBright = idx.map((i) => bright.values[i]!);
    const brightnessCorr = idx.length >= 8 ? pearson(flatSigma, flatBright) : 0;
    const [p90, p10] = quantiles(flatSigma, [0.9, 0.1]) as [number, number];
    const inconsistency = flatSigma.length >= 8 ? (p90 + 0.05) / (p10 + 0.05) : 1;
    const level = mean(flatSigma);
    const flags: { code: "smooth_residual" | "white_residual" | "signal_dependent" | "inconsistent_noise"; detail?: string }[] = [];
    if (lag1 > -0.1) flags.push({ code: "smooth_residual", detail: `(lag-1 correlation ${round(lag1, 2)})` });
    if (lag1 < -0.3) flags.push({ code: "white_residual", detail: `(lag-1 correlation ${round(lag1, 2)})` });
    if (brightnessCorr > 0.3) flags.push({ code: "signal_dependent", detail: `(r = ${round(brightnessCorr, 2)})` });
    if (inconsistency > 6) flags.push({ code: "inconsistent_noise", detail: `(×${round(inconsistency, 1)} between flat regions)` });
    // Local-consistency map: the image's own noise model σ ≈ α + β·brightness, fitted on its flat blocks
    // (least squares), and each flat block's log deviation from it. A camera frame follows one model
    // everywhere; a pasted or synthesised region sits off it (blue = cleaner, red = noisier than
    // predicted). Textured blocks cannot be judged and stay neutral.
    const { alpha, beta } = fitLine(flatBright, flatSigma);
    const deviation = new Float32Array(sigma.values.length).fill(0.5);
    const devs: number[] = [];
    for (const i of idx) {
      const expected = Math.max(0.3, alpha + beta * bright.values[i]!);
      const d = Math.log((sigma.values[i]! + 0.05) / expected);
      devs.push(d);
      deviation[i] = Math.min(1, Math.max(0, 0.5 + d / 2));
    }
    const modelDeviationStd = devs.length >= 8 ? std(devs) : 0;
    const score = round(sigmoid(A * lag1 + B * brightnessCorr + C * Math.log(inconsistency) + E * modelDeviationStd + D), 4);
    const heatmap = ctx.heatmaps
      ? { png: heatmapPng(deviation, sigma.cols, sigma.rows, a.width, a.height, image.orientation), label: "Noise vs the image's own brightness→noise model, flat regions only (blue = cleaner, red = noisier, yellow = as predicted or not judged)" }
      : undefined;
    return {
      score,
      flags,
      summary: `Noise residual level ${round(level, 2)}, neighbour correlation ${round(lag1, 2)}, brightness dependence r = ${round(brightnessCorr, 2)}.`,
      heatmap,
      details: {
        lag1: round(lag1, 4),
        brightnessCorr: round(brightnessCorr, 4),
        inconsistency: round(inconsistency, 3),
        flatNoiseLevel: round(level, 3),
        flatBlocks: idx.length,
        block: BLOCK,
        noiseModel: { intercept: round(alpha, 4), slopePerLevel: round(beta, 6) },
        modelDeviationStd: round(modelDeviationStd, 4),
      },
    };
  },
});
