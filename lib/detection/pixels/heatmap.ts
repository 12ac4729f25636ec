// Heatmap PNGs of block grids, coloured blue (cool) → yellow → red (hot).
import { encodeIndexedPng, makePalette, nearestMap } from "../png";
import { clamp01, roundHalfUp } from "./stats";

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
