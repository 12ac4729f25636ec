import { displaySize, storedPoint } from "./orientation";
import type { RawImage } from "./signal";

/**
 * 64-bit difference hash (dHash, Krawetz 2013) of the pixels the engine decoded: the image in display
 * orientation, box-averaged to 9×8 greyscale cells, one bit per horizontal gradient. Robust to
 * re-encoding and resizing; used to find near-duplicate submissions.
 */
export function differenceHash(image: RawImage, orientation?: number): { hash: string; informative: boolean } {
  const { width: w, height: h, channels: ch, data } = image;
  // Cells in display orientation; each stored pixel adds its luma to the cell it is displayed in.
  const d = displaySize(orientation, w, h);
  const sum = new Float64Array(72);
  const n = new Float64Array(72);
  const cellOfY = Int32Array.from({ length: d.height }, (_, Y) => Math.min(7, Math.floor((Y * 8) / d.height)));
  // Columns X in [xFrom[c], xFrom[c + 1]) are displayed in cell column c (cells are contiguous runs).
  const xFrom = Int32Array.from({ length: 10 }, (_, c) => (c === 0 ? 0 : c === 9 ? d.width : Math.min(d.width, Math.ceil((c * d.width) / 9))));
  // Display pixel (X, Y) is stored at data offset base + X·stepX + Y·stepY (every orientation is an
  // affine map, storedPoint's): an addition per pixel, not a storedPoint call and its array, and each
  // cell's running sum in a local, not a typed-array store per pixel; this loop took ~8 ms of CPU for a
  // 1024² image. Every cell still adds its pixels one by one in row-major display order, as the
  // definition does, so the sums and the hash are the same to the bit (dhash.test.ts).
  const offset = ([x, y]: [number, number]) => (y * w + x) * ch;
  const base = offset(storedPoint(orientation, 0, 0, w, h));
  const stepX = offset(storedPoint(orientation, 1, 0, w, h)) - base;
  const stepY = offset(storedPoint(orientation, 0, 1, w, h)) - base;
  const at = { base, stepX, stepY, height: d.height };
  if (ch >= 3) addCells(data, at, [0.299, 0.587, 0.114], 1, 2, cellOfY, xFrom, sum);
  else addCells(data, at, [1, 0, 0], 0, 0, cellOfY, xFrom, sum);
  for (let Y = 0; Y < d.height; Y++) for (let cx = 0; cx < 9; cx++) n[cellOfY[Y]! * 9 + cx]! += xFrom[cx + 1]! - xFrom[cx]!;
  const mean = (c: number) => (n[c] ? sum[c]! / n[c]! : 0);
  let bits = 0n;
  let distinct = 0;
  for (let y = 0; y < 8; y++) {
    for (let x = 0; x < 8; x++) {
      const d = mean(y * 9 + x) - mean(y * 9 + x + 1);
      bits = (bits << 1n) | (d > 0 ? 1n : 0n);
      if (Math.abs(d) >= MIN_GRADIENT) distinct++;
    }
  }
  // A flat or nearly flat picture has (almost) no gradients: its bits are noise or all zero, and every
  // such image would look like a near-duplicate of every other. Such a hash is kept but not matched.
  return { hash: bits.toString(16).padStart(16, "0"), informative: distinct >= MIN_INFORMATIVE_BITS };
}

/**
 * The per-pixel loop: each cell's running sum of w0·p[o] + w1·p[o + d1] + w2·p[o + d2]. RGB passes the
 * luma weights; grey passes (1, 0, 0) with both offsets 0, which adds exactly p[o]. With the layout
 * decided by the caller rather than tested per pixel, a 1024² RGB image takes ≈ 3.9 ms instead of
 * ≈ 5.3 (the two alternated in one process; on a quiet moment of the VM, ≈ 2.4 against ≈ 3.6).
 */
function addCells(
  data: Uint8Array,
  at: { base: number; stepX: number; stepY: number; height: number },
  w: readonly [number, number, number],
  d1: number,
  d2: number,
  cellOfY: Int32Array,
  xFrom: Int32Array,
  sum: Float64Array,
): void {
  const [w0, w1, w2] = w;
  const { base, stepX, stepY, height } = at;
  for (let Y = 0; Y < height; Y++) {
    const row = cellOfY[Y]! * 9;
    let o = base + Y * stepY;
    for (let cx = 0; cx < 9; cx++) {
      const end = xFrom[cx + 1]!;
      let acc = sum[row + cx]!;
      for (let X = xFrom[cx]!; X < end; X++, o += stepX) acc += w0 * data[o]! + w1 * data[o + d1]! + w2 * data[o + d2]!;
      sum[row + cx] = acc;
    }
  }
}

/** A horizontal gradient between cells counts when the cell means differ by at least this (grey levels). */
const MIN_GRADIENT = 1;
/** Fewer counted gradients than this (of 64) and the hash says too little to match on. */
const MIN_INFORMATIVE_BITS = 8;
