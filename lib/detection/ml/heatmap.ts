// Patch probabilities → a PNG overlay with the aspect of the analysed image. Each heatmap pixel takes
// the probability of the nearest patch centre (the grid is separable, so nearest per axis), coloured
// from blue (authentic) through transparent-ish grey to red (AI), as a palette PNG (256 levels).
import { encodeIndexedPng, makePalette } from "../png";
import type { MlPatch } from "./index";

/** Colour and opacity per probability level: confident patches are more opaque, uncertain ones let the image show through. */
const PALETTE = makePalette((p) => [
  Math.round(255 * p),
  Math.round(64 * (1 - Math.abs(2 * p - 1))),
  Math.round(255 * (1 - p)),
  Math.round(60 + 140 * Math.abs(2 * p - 1)),
]);

/** Longest side of the rendered PNG: patches are ≥ 64 px, so more resolution adds nothing. */
const MAX_SIDE = 256;

function nearestIndex(centres: number[], v: number): number {
  let best = 0;
  for (let i = 1; i < centres.length; i++) if (Math.abs(centres[i]! - v) < Math.abs(centres[best]! - v)) best = i;
  return best;
}

/** The patch map of a `width`×`height` analysed image, in its display orientation (EXIF `orientation`). */
export function renderHeatmap(patches: MlPatch[], width: number, height: number, orientation?: number): Buffer {
  if (patches.length === 0) throw new Error("no patches to render");
  const xs = [...new Set(patches.map((p) => p.x))].sort((a, b) => a - b);
  const ys = [...new Set(patches.map((p) => p.y))].sort((a, b) => a - b);
  // Probability per (column, row) of the patch grid; 0.5 where a grid cell has no patch.
  const colOf = new Map(xs.map((x, i) => [x, i]));
  const rowOf = new Map(ys.map((y, i) => [y, i]));
  const prob = new Float64Array(xs.length * ys.length).fill(0.5);
  for (const p of patches) prob[rowOf.get(p.y)! * xs.length + colOf.get(p.x)!] = p.probability;
  const scale = Math.min(1, MAX_SIDE / Math.max(width, height));
  const w = Math.max(1, Math.round(width * scale));
  const h = Math.max(1, Math.round(height * scale));
  const cx = xs.map((x) => x + patches[0]!.w / 2);
  const cy = ys.map((y) => y + patches[0]!.h / 2);
  const col = Int32Array.from({ length: w }, (_, i) => nearestIndex(cx, (i + 0.5) / scale));
  const row = Int32Array.from({ length: h }, (_, j) => nearestIndex(cy, (j + 0.5) / scale));
  const level = Uint8Array.from(prob, (p) => Math.round(255 * p));
  return encodeIndexedPng(level, xs.length, col, row, PALETTE, orientation);
}
