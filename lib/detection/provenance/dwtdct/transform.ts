// The dwtDct transform: U plane → Haar LL → one bit per 4×4 block (see index.ts, steps 1–5).
import type { RawImage } from "../../signal";
import { DWTDCT_BLOCK, DWTDCT_SCALE, VARIANTS } from "./payloads";

/** Index (0..15, never 0) of the largest |coefficient| after the first, first occurrence wins. */
export function maxCoefficientIndex(ll: Float64Array, w: number, bx: number, by: number): number {
  let best = 1;
  let bestAbs = -1;
  for (let k = 1; k < DWTDCT_BLOCK * DWTDCT_BLOCK; k++) {
    const v = Math.abs(ll[(by * DWTDCT_BLOCK + (k >> 2)) * w + bx * DWTDCT_BLOCK + (k & 3)]!);
    if (v > bestAbs) {
      bestAbs = v;
      best = k;
    }
  }
  return best;
}

/**
 * One raw bit per 4×4 LL block, row-major (the reference `decode_frame` before averaging), for all
 * four VARIANTS in a single pass over the pixels. Works one block row (8 pixel rows) at a time, so the
 * full-resolution U plane and its LL band are never materialised (a 64 MP image would need 512 MB).
 * U per pixel: see haarRow. pywt.dwt2 'haar' LL = (a + b + c + d)/2 over each 2×2 cell of the top-left rows//4*4 × cols//4*4 region; only whole 4×4 LL blocks carry bits.
 */
export function blockBits(raw: RawImage, onlyRows?: (by: number) => boolean, into?: BlockBits): BlockBits {
  const { data, width, channels } = raw;
  const grid = into ?? unreadBlockBits(raw);
  const { bits, cols, rows } = grid;
  const w = cols * DWTDCT_BLOCK;
  // One block row of 2·LL per variant (same order as VARIANTS): each pixel's U is added straight into
  // its Haar cell, in the reference's summation order (0,0), (0,1), (1,0), (1,1); the /2 is applied
  // when a block is read (exact: a division by two).
  const strips = VARIANTS.map(() => new Float64Array(DWTDCT_BLOCK * w));
  const [s0, s1, s2, s3] = strips as [Float64Array, Float64Array, Float64Array, Float64Array];
  // Offsets of G and B from R: grey repeats its one channel.
  const gOff = channels === 1 ? 0 : 1;
  const bOff = channels === 1 ? 0 : 2;
  for (let by = 0; by < rows; by++) {
    if (onlyRows && !onlyRows(by)) continue;
    for (let ly = 0; ly < DWTDCT_BLOCK; ly++) {
      const py = 2 * (by * DWTDCT_BLOCK + ly);
      haarRow(data, py * width * channels, channels, gOff, bOff, w, ly * w, s0, s1, s2, s3, true);
      haarRow(data, (py + 1) * width * channels, channels, gOff, bOff, w, ly * w, s0, s1, s2, s3, false);
    }
    for (let v = 0; v < strips.length; v++) {
      const ll = strips[v]!;
      const out = bits[v]!;
      for (let bx = 0; bx < cols; bx++) {
        // maxCoefficientIndex inlined (this loop runs once per block per variant): largest |v| after
        // the first coefficient, first occurrence wins.
        const o = bx * DWTDCT_BLOCK;
        let best = Math.abs(ll[o + 1]!);
        for (let k = 2; k < DWTDCT_BLOCK * DWTDCT_BLOCK; k++) {
          const a = Math.abs(ll[(k >> 2) * w + o + (k & 3)]!);
          if (a > best) best = a;
        }
        out[by * cols + bx] = (best / 2) % DWTDCT_SCALE > DWTDCT_SCALE * 0.5 ? 1 : 0;
      }
    }
  }
  return grid;
}

/**
 * One pixel row of blockBits: the U values of `cells` pixel pairs from data[i], per pair added into
 * strips[o], [o + 1] … for all four VARIANTS (s0..s3 in VARIANTS order). `top` is the first row of a
 * Haar cell, which writes the cell (its two pixels, left first); the second row adds its left pixel,
 * then its right one. That is the reference's summation order (0,0), (0,1), (1,0), (1,1).
 *
 * Per pixel, OpenCV COLOR_BGR2YUV gives U = 0.492·(B − Y) + δ with Y = 0.299·R + 0.587·G + 0.114·B,
 * where "B" and "R" are whatever the embedder put in those slots: δ = 128 with rounding and saturation
 * for uint8 images (qB, qR), δ = 0.5 unrounded for float images.
 */
function haarRow(
  data: Uint8Array, i: number, step: number, gOff: number, bOff: number, cells: number, o: number,
  s0: Float64Array, s1: Float64Array, s2: Float64Array, s3: Float64Array, top: boolean,
): void {
  for (let c = 0; c < cells; c++, o++) {
    let r = data[i]!;
    let g = data[i + gOff]!;
    let b = data[i + bOff]!;
    i += step;
    const dB0 = (b - (0.299 * r + 0.587 * g + 0.114 * b)) * 0.492; // embedder passed BGR (correct)
    const dR0 = (r - (0.299 * b + 0.587 * g + 0.114 * r)) * 0.492; // embedder passed RGB as BGR
    r = data[i]!;
    g = data[i + gOff]!;
    b = data[i + bOff]!;
    i += step;
    const dB1 = (b - (0.299 * r + 0.587 * g + 0.114 * b)) * 0.492;
    const dR1 = (r - (0.299 * b + 0.587 * g + 0.114 * r)) * 0.492;
    // uint8: Math.round then saturate, as OpenCV's 8-bit path; `(v + 0.5) | 0` is that rounding for
    // every v ≥ −0.5 and anything lower saturates to 0 either way.
    const qB0 = clampByte((dB0 + 128 + 0.5) | 0);
    const qR0 = clampByte((dR0 + 128 + 0.5) | 0);
    const qB1 = clampByte((dB1 + 128 + 0.5) | 0);
    const qR1 = clampByte((dR1 + 128 + 0.5) | 0);
    if (top) {
      s0[o] = qB0 + qB1;
      s1[o] = qR0 + qR1;
      s2[o] = dB0 + 0.5 + (dB1 + 0.5);
      s3[o] = dR0 + 0.5 + (dR1 + 0.5);
    } else {
      s0[o] = s0[o]! + qB0 + qB1;
      s1[o] = s1[o]! + qR0 + qR1;
      s2[o] = s2[o]! + (dB0 + 0.5) + (dB1 + 0.5);
      s3[o] = s3[o]! + (dR0 + 0.5) + (dR1 + 0.5);
    }
  }
}

function clampByte(v: number): number {
  return v > 255 ? 255 : v < 0 ? 0 : v;
}

/** Marks a block whose bit has not been read (see decodeDwtDct's early stop). */
export const UNREAD = 2;

export interface BlockBits {
  /** Per VARIANT, one entry per block, row-major: 0, 1, or UNREAD. */
  bits: Uint8Array[];
  cols: number;
  rows: number;
}

/** The block grid of an image with every bit UNREAD. */
export function unreadBlockBits(raw: RawImage): BlockBits {
  const llw = (Math.floor(raw.width / 4) * 4) / 2;
  const llh = (Math.floor(raw.height / 4) * 4) / 2;
  const cols = Math.floor(llw / DWTDCT_BLOCK);
  const rows = Math.floor(llh / DWTDCT_BLOCK);
  return { bits: VARIANTS.map(() => new Uint8Array(cols * rows).fill(UNREAD)), cols, rows };
}
