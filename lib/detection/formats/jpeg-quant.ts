// JPEG quantisation-table forensics: IJG/Annex K table matching, quality estimation, and a
// double-quantisation test on DCT coefficients recomputed from the decoded pixels.
import { roundHalfUp, type Plane } from "../pixels";

/** ITU-T T.81 Annex K, Tables K.1 (luminance) and K.2 (chrominance), natural order. */
export const ANNEX_K_LUMA = [
  16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55, 14, 13, 16, 24, 40, 57, 69, 56, 14, 17, 22, 29, 51,
  87, 80, 62, 18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113, 92, 49, 64, 78, 87, 103, 121, 120, 101,
  72, 92, 95, 98, 112, 100, 103, 99,
];
export const ANNEX_K_CHROMA = [
  17, 18, 24, 47, 99, 99, 99, 99, 18, 21, 26, 66, 99, 99, 99, 99, 24, 26, 56, 99, 99, 99, 99, 99, 47, 66, 99, 99, 99,
  99, 99, 99, ...new Array<number>(32).fill(99),
];

/** IJG libjpeg `jpeg_quality_scaling` + `jpeg_add_quant_table` with force_baseline (jcparam.c). */
export function ijgTable(base: number[], quality: number): number[] {
  const q = Math.min(100, Math.max(1, quality));
  const scale = q < 50 ? Math.floor(5000 / q) : 200 - q * 2;
  return base.map((b) => Math.min(255, Math.max(1, Math.floor((b * scale + 50) / 100))));
}

const LUMA_BY_Q = Array.from({ length: 100 }, (_, i) => ijgTable(ANNEX_K_LUMA, i + 1));
const CHROMA_BY_Q = Array.from({ length: 100 }, (_, i) => ijgTable(ANNEX_K_CHROMA, i + 1));

export interface TableMatch {
  /** Exact IJG quality when the table equals a scaled Annex K table, else null. */
  exactQuality: number | null;
  /** Closest IJG quality (least absolute difference), for non-standard tables. */
  nearestQuality: number;
  /** Mean absolute difference to that nearest table (0 for an exact match). */
  distance: number;
}

export function matchTable(values: number[], chroma: boolean): TableMatch {
  const family = chroma ? CHROMA_BY_Q : LUMA_BY_Q;
  let best = 0;
  let bestD = Infinity;
  for (let i = 0; i < 100; i++) {
    let d = 0;
    const t = family[i]!;
    for (let k = 0; k < 64; k++) d += Math.abs(t[k]! - values[k]!);
    if (d < bestD) { bestD = d; best = i; }
  }
  return { exactQuality: bestD === 0 ? best + 1 : null, nearestQuality: best + 1, distance: bestD / 64 };
}

// 8-point DCT-II basis as used by JPEG (T.81 A.3.3): C(u)/2 · cos((2x+1)uπ/16).
const BASIS = new Float64Array(64);
for (let u = 0; u < 8; u++) for (let x = 0; x < 8; x++) BASIS[u * 8 + x] = ((u === 0 ? Math.SQRT1_2 : 1) / 2) * Math.cos(((2 * x + 1) * u * Math.PI) / 16);

/** The first AC coefficients in zigzag order (natural indices): where double quantisation shows best. */
const AC_POSITIONS = [1, 8, 16, 9, 2, 3, 10, 17, 24];
const HIST_K = 24;

export interface DoubleQuantResult {
  /** Median over coefficients of the normalised histogram roughness (≈1.5 for single compression). */
  roughness: number;
  /** Per coefficient (natural index) roughness, for the evidence panel. */
  perCoefficient: { pos: number; q: number; roughness: number }[];
  blocks: number;
}

/**
 * Double-quantisation test (after Popescu & Farid 2004, "Statistical tools for digital forensics"):
 * recompute the block DCT of the decoded luma on the file's 8×8 grid, divide by the file's luma table,
 * and histogram the rounded values. A single compression gives a smooth Laplacian histogram; a prior
 * compression with a different table leaves periodic gaps/peaks. Roughness = mean of
 * (h[k] − √(h[k−1]·h[k+1]))² / (h[k]+1), whose expectation under Poisson counts is ≈ 1.5.
 */
export function doubleQuantisation(y: Plane, table: number[], maxBlocks = 4096): DoubleQuantResult | null {
  const bw = Math.floor(y.width / 8);
  const bh = Math.floor(y.height / 8);
  if (bw * bh < 64) return null;
  // Central region of at most maxBlocks blocks, aligned to the grid (origin offset multiple of 8).
  const side = Math.floor(Math.sqrt(maxBlocks));
  const nx = Math.min(bw, side);
  const ny = Math.min(bh, Math.floor(maxBlocks / nx));
  const bx0 = Math.floor((bw - nx) / 2);
  const by0 = Math.floor((bh - ny) / 2);
  const positions = AC_POSITIONS.filter((p) => table[p]! >= 2);
  if (positions.length < 3) return null;
  const hists = positions.map(() => new Float64Array(HIST_K + 1));
  const uMax = Math.max(...positions.map((p) => p & 7)) + 1;
  const tmp = new Float64Array(64);
  const nPos = positions.length;
  const rowOf = Int32Array.from(positions, (p) => p >> 3);
  const colOf = Int32Array.from(positions, (p) => p & 7);
  const qOf = Float64Array.from(positions, (p) => table[p]!);
  const w = y.width;
  const d = y.data;
  for (let by = by0; by < by0 + ny; by++) {
    for (let bx = bx0; bx < bx0 + nx; bx++) {
      // Rows then columns (separable); only the horizontal frequencies the positions use. The sums are
      // written out in x order, so they round exactly like a loop would.
      for (let r = 0; r < 8; r++) {
        const i = (by * 8 + r) * w + bx * 8;
        const x0 = d[i]! - 128, x1 = d[i + 1]! - 128, x2 = d[i + 2]! - 128, x3 = d[i + 3]! - 128;
        const x4 = d[i + 4]! - 128, x5 = d[i + 5]! - 128, x6 = d[i + 6]! - 128, x7 = d[i + 7]! - 128;
        for (let u = 0, b = 0; u < uMax; u++, b += 8) {
          tmp[r * 8 + u] =
            BASIS[b]! * x0 + BASIS[b + 1]! * x1 + BASIS[b + 2]! * x2 + BASIS[b + 3]! * x3 +
            BASIS[b + 4]! * x4 + BASIS[b + 5]! * x5 + BASIS[b + 6]! * x6 + BASIS[b + 7]! * x7;
        }
      }
      for (let pi = 0; pi < nPos; pi++) {
        const b = rowOf[pi]! * 8;
        const u = colOf[pi]!;
        const s =
          BASIS[b]! * tmp[u]! + BASIS[b + 1]! * tmp[8 + u]! + BASIS[b + 2]! * tmp[16 + u]! + BASIS[b + 3]! * tmp[24 + u]! +
          BASIS[b + 4]! * tmp[32 + u]! + BASIS[b + 5]! * tmp[40 + u]! + BASIS[b + 6]! * tmp[48 + u]! + BASIS[b + 7]! * tmp[56 + u]!;
        const k = Math.abs(roundHalfUp(s / qOf[pi]!)); // = Math.round, faster here (see roundHalfUp)
        if (k <= HIST_K) hists[pi]![k]! += 1;
      }
    }
  }
  const perCoefficient = positions.map((pos, pi) => {
    const h = hists[pi]!;
    let acc = 0;
    let n = 0;
    for (let k = 2; k < HIST_K; k++) {
      if (h[k - 1]! + h[k]! + h[k + 1]! < 15) continue;
      // Geometric mean of the neighbours: exact for a Laplacian (exponential) histogram, so smooth
      // curvature does not count as roughness.
      const d = h[k]! - Math.sqrt(h[k - 1]! * h[k + 1]!);
      acc += (d * d) / (h[k]! + 1);
      n++;
    }
    return { pos, q: table[pos]!, roughness: n >= 3 ? acc / n : NaN };
  });
  const valid = perCoefficient.map((c) => c.roughness).filter((r) => Number.isFinite(r)).sort((a, b) => a - b);
  if (valid.length < 3) return null;
  return { roughness: valid[Math.floor(valid.length / 2)]!, perCoefficient, blocks: nx * ny };
}
