// From block bits to a verdict: majority votes per bit position, a binomial tail per hypothesis, and
// the early stop that reads only a sample of a clean image (see index.ts).
import type { RawImage } from "../../signal";
import { KNOWN_WATERMARKS, VARIANTS, type ChannelOrder, type KnownWatermark, type PixelDomain } from "./payloads";
import { blockBits, unreadBlockBits, UNREAD, type BlockBits } from "./transform";

export interface VotedBits {
  bits: number[];
  /** Mean share of blocks agreeing with the majority at each position (0.5 = noise, 1 = clean mark). */
  agreement: number;
}

/** Per bit position (block n → position n mod length): how many read blocks voted, and how many said 1. */
export interface PositionCounts {
  ones: Uint32Array;
  total: Uint32Array;
}

/**
 * Position counts for several payload lengths; UNREAD blocks do not vote. Blocks are read in whole rows
 * of `cols`, so a row whose first block is UNREAD is skipped in O(1) (at 12 MP the early-stop sample is
 * one row in 16).
 */
export function positionCounts(perBlock: Uint8Array, lengths: readonly number[], cols = perBlock.length): PositionCounts[] {
  return lengths.map((len) => {
    const ones = new Uint32Array(len);
    const total = new Uint32Array(len);
    for (let start = 0; start < perBlock.length; start += cols) {
      const end = Math.min(perBlock.length, start + cols);
      if (perBlock[start] === UNREAD && perBlock[end - 1] === UNREAD) continue;
      for (let n = start, p = start % len; n < end; n++, p = p + 1 === len ? 0 : p + 1) {
        const b = perBlock[n]!;
        if (b === UNREAD) continue;
        ones[p]! += b;
        total[p]! += 1;
      }
    }
    return { ones, total };
  });
}

/** Majority vote per bit position, as the reference's mean > 0.5. */
export function voteBits({ ones, total }: PositionCounts): VotedBits {
  const bits: number[] = [];
  let agree = 0;
  for (let p = 0; p < total.length; p++) {
    const t = total[p]!;
    const o = ones[p]!;
    // Reference: mean*255 > 127, i.e. strictly more than ~half the blocks say 1.
    bits.push(t > 0 && (o / t) * 255 > 127 ? 1 : 0);
    agree += t > 0 ? Math.max(o, t - o) / t : 0.5;
  }
  return { bits, agreement: agree / total.length };
}

/** log of P(X ≥ k) for X ~ Binomial(n, 1/2), exact (n is at most a few hundred). */
export function log10BinomialTail(n: number, k: number): number {
  if (k <= 0) return 0;
  if (k > n) return -Infinity;
  // log C(n, i) via running sums of logs; accumulate with log-sum-exp.
  const logC: number[] = [0];
  for (let i = 1; i <= n; i++) logC.push(logC[i - 1]! + Math.log(n - i + 1) - Math.log(i));
  const terms = logC.slice(k);
  const m = Math.max(...terms);
  const sum = terms.reduce((s, t) => s + Math.exp(t - m), 0);
  return (m + Math.log(sum) - n * Math.LN2) / Math.LN10;
}

export interface WatermarkCandidate {
  id: string;
  generator: string;
  domain: PixelDomain;
  order: ChannelOrder;
  inverted: boolean;
  matches: number;
  length: number;
  agreement: number;
  /** log10 of the one-sided binomial p-value of `matches` under "no watermark". */
  log10P: number;
}

export interface WatermarkDecodeResult {
  detected: WatermarkCandidate | null;
  /** Best candidate whether or not it passed the threshold (for the evidence panel). */
  best: WatermarkCandidate | null;
  hypotheses: number;
  /** log10 of the per-hypothesis p-value threshold (family-wise alpha / hypotheses). */
  log10Threshold: number;
  /** Blocks whose bits were read and voted. */
  blocks: number;
  totalBlocks: number;
  /** Every sampleStride-th block row was read first (1: the image was read whole in one pass). */
  sampleStride: number;
  /** True when the first sample showed no hint of any mark and the rest was skipped. */
  stoppedEarly: boolean;
}

/**
 * Family-wise false-positive rate across all payload × domain × order × polarity hypotheses, per image.
 * A detection is decisive (the verdict follows it), so this must be far below what a moderation queue
 * sees in volume. At 1e-4 the decoder fired twice in ≈ 12.6 k dataset scans (train as-is and
 * JPEG-augmented, dev as-is/jpeg75/resize0.5): on a real ImageNet photo (SDXL 41/48, from the early-stop
 * sample of 1.1) and on a half-size SD tile (SD v1 96/136), i.e. about the rate that alpha promises, and
 * both impossible as true marks. Block bits of natural images are biased and spatially correlated, so
 * the independent-bits binomial is only approximately right anyway. At 1e-6 SDXL needs 43 of 48 bits
 * and SD v1 100 of 136 (the tile's 96 fails). Measured on 8 SDXL test marks after JPEG at 4:4:4:
 * uint8-domain marks keep 46–48 bits down to q85 (one fell to 42 at q75), float-domain marks 43–47 at
 * q90 and 41–46 at q75–85. 1e-8 (45/48) was tried and lost most of the float-domain marks at q90.
 */
export const FAMILY_ALPHA = 1e-6;

/**
 * Early stop. Block rows are read in two passes: every k-th row first (spread over the whole image),
 * the rest only if that sample shows any hint of a mark. k grows with the image so the sample holds
 * about EARLY_SAMPLE_BLOCKS blocks (k = 4 at 1024², 16 at 12 MP, 1 — no early stop — below ~720²). The hint is per block: for each
 * variant and payload, the share r of read blocks whose bit equals the payload bit at that position.
 * Without a mark, bits do not depend on the position, so r stays near r0 = π·f + (1 − π)(1 − f), where
 * π is the image's own share of 1 bits (flat or grey images give π near 0 or 1) and f the payload's,
 * with σ = √(r0(1 − r0)/N). A mark with per-block bit accuracy q pulls r towards q (or 1 − q when
 * inverted). If every hypothesis is within EARLY_SIGMAS·σ of r0 the remaining rows are skipped and the
 * vote uses the rows read. At 1024² (N ≈ 4 k) the bound is about ±0.023, while a mark the full vote can
 * still detect has q ≳ 0.53 and the marks we test (lossless, JPEG q ≥ 75 at 4:4:4) have q ≥ 0.8.
 * Larger images give larger samples and tighter bounds.
 */
const EARLY_SAMPLE_BLOCKS = 4096;
const EARLY_MAX_STRIDE = 16;
const EARLY_SIGMAS = 3;

function anyHint(grid: BlockBits, payloads: KnownWatermark[]): boolean {
  for (const perBlock of grid.bits) {
    const counts = positionCounts(perBlock, payloads.map((wm) => wm.bits.length), grid.cols);
    for (let k = 0; k < payloads.length; k++) {
      const want = payloads[k]!.bits;
      const { ones: o, total: t } = counts[k]!;
      let read = 0, ones = 0, same = 0, payloadOnes = 0;
      for (let p = 0; p < want.length; p++) {
        read += t[p]!;
        ones += o[p]!;
        same += want[p] ? o[p]! : t[p]! - o[p]!;
        payloadOnes += want[p] ? t[p]! : 0;
      }
      if (read === 0) return true;
      const pi = ones / read;
      const f = payloadOnes / read;
      const r0 = pi * f + (1 - pi) * (1 - f);
      if (Math.abs(same / read - r0) > EARLY_SIGMAS * Math.sqrt((r0 * (1 - r0)) / read)) return true;
    }
  }
  return false;
}

/** Decode every known payload in every variant; pixels must be on the original grid. */
export function decodeDwtDct(raw: RawImage, payloads: KnownWatermark[] = KNOWN_WATERMARKS): WatermarkDecodeResult {
  const hypotheses = payloads.length * VARIANTS.length * 2;
  const log10Threshold = Math.log10(FAMILY_ALPHA / hypotheses);
  let best: WatermarkCandidate | null = null;
  const grid = unreadBlockBits(raw);
  const stride = Math.max(1, Math.min(EARLY_MAX_STRIDE, Math.floor((grid.cols * grid.rows) / EARLY_SAMPLE_BLOCKS)));
  const sampled = (by: number) => by % stride === 0;
  blockBits(raw, sampled, grid);
  const sampleBlocks = Math.ceil(grid.rows / stride) * grid.cols;
  const stoppedEarly = stride > 1 && !anyHint(grid, payloads);
  if (!stoppedEarly) blockBits(raw, (by) => !sampled(by), grid);
  const all = grid.bits;
  const blocks = stoppedEarly ? sampleBlocks : grid.cols * grid.rows;
  for (let v = 0; v < VARIANTS.length; v++) {
    const { domain, order } = VARIANTS[v]!;
    const perBlock = all[v]!;
    const counts = positionCounts(perBlock, payloads.map((wm) => wm.bits.length), grid.cols);
    for (let k = 0; k < payloads.length; k++) {
      const wm = payloads[k]!;
      // Fewer blocks than bits means some positions carry no vote at all.
      if (perBlock.length < wm.bits.length) continue;
      const voted = voteBits(counts[k]!);
      let same = 0;
      for (let i = 0; i < wm.bits.length; i++) if (voted.bits[i] === wm.bits[i]) same++;
      for (const inverted of [false, true]) {
        const matches = inverted ? wm.bits.length - same : same;
        const cand: WatermarkCandidate = {
          id: wm.id,
          generator: wm.generator,
          domain,
          order,
          inverted,
          matches,
          length: wm.bits.length,
          agreement: voted.agreement,
          log10P: log10BinomialTail(wm.bits.length, matches),
        };
        if (!best || cand.log10P < best.log10P) best = cand;
      }
    }
  }
  // A sample that showed no block-level hint of any payload cannot carry a mark: a majority vote over
  // that sample passing the threshold would be a chance alignment, so stopping early means "not found".
  const detected = !stoppedEarly && best && best.log10P <= log10Threshold ? best : null;
  return { detected, best, hypotheses, log10Threshold, blocks, totalBlocks: grid.cols * grid.rows, sampleStride: stride, stoppedEarly };
}
