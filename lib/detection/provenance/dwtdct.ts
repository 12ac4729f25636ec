// Decoder for the invisible-watermark "dwtDct" scheme (github.com/ShieldMnt/invisible-watermark,
// imwatermark/maxDct.py `EmbedMaxDct`, scales=[0,36,36], block=4), which the Stable Diffusion v1/v2
// reference scripts, diffusers' SDXL pipelines and InvokeAI use to mark their outputs.
//
// The reference algorithm, step by step (this file mirrors it; constants cite that source):
//   1. cv2.cvtColor(img, COLOR_BGR2YUV). `for channel in range(2)` with scales [0,36,36] means only
//      channel 1 (U) carries the mark; V's scale is never reached.
//   2. pywt.dwt2(U[:rows//4*4, :cols//4*4], 'haar'): keep the LL band, LL = (a+b+c+d)/2.
//   3. 4×4 blocks of LL scanned row-major; block n carries bit n mod wmLen.
//   4. In each block take the largest-magnitude coefficient other than the first
//      (np.argmax(abs(block.flatten()[1:])) + 1, first occurrence wins). Despite the "Dct" in the name,
//      the reference `infer_dct_matrix` reads the LL values themselves: no cv2.dct is applied in
//      maxDct.py (only the separate dwtDctSvd method does), so neither do we.
//   5. bit = (|v| mod 36) > 18; the reference averages these per position (majority vote).
//
// Which pixel domain the embedder worked in matters because OpenCV's YUV offset differs: uint8
// images get U = 0.492(B−Y) + 128 rounded to 8 bits, float images U = 0.492(B−Y) + 0.5. SD reference
// scripts and InvokeAI embed into uint8 BGR; diffusers embeds into float32 arrays that are RGB but
// handed to OpenCV as if BGR. We decode all four combinations and test every known payload and
// its bitwise inverse, then decide with a binomial tail corrected for the number of hypotheses.
//
// Cross-checked by hand (not in CI: no OpenCV here) against the reference arithmetic run with
// opencv-python-headless 5.0 and PyWavelets: marks embedded by it are found by this decoder
// (SD v1 uint8 132/136 bits, SDXL float 45/48), and the Python decoder reads marks from
// ../testing/watermark-embed.ts (130/136, 45/48). On near-grey content both fail alike: the scheme
// loses the mark at embedding time there, not in decoding.
import type { RawImage } from "../signal";

export const DWTDCT_SCALE = 36;
export const DWTDCT_BLOCK = 4;

export type PixelDomain = "uint8" | "float";
/** "bgr": the embedder converted RGB→BGR first (correct use); "rgb": it passed RGB as if BGR. */
export type ChannelOrder = "bgr" | "rgb";

export interface KnownWatermark {
  id: string;
  generator: string;
  bits: number[];
}

function bitsOfBytes(bytes: Buffer): number[] {
  const out: number[] = [];
  for (const b of bytes) for (let k = 7; k >= 0; k--) out.push((b >> k) & 1);
  return out;
}

/** Payloads published in the generators' source code. */
export const KNOWN_WATERMARKS: KnownWatermark[] = [
  {
    // diffusers/pipelines/stable_diffusion_xl/watermark.py: WATERMARK_MESSAGE = 0b1011001111101100…
    // (the 48-bit value 0xB3EC907BB19E), embedded with set_watermark("bits", …).
    id: "sdxl",
    generator: "Stable Diffusion XL (diffusers)",
    bits: bitsOfBytes(Buffer.from("B3EC907BB19E", "hex")),
  },
  {
    // CompVis/stable-diffusion scripts/txt2img.py: wm = "StableDiffusionV1" (17 bytes = 136 bits).
    id: "sd1",
    generator: "Stable Diffusion v1 (reference scripts)",
    bits: bitsOfBytes(Buffer.from("StableDiffusionV1", "utf8")),
  },
  {
    // Stability-AI/stablediffusion scripts/txt2img.py: wm = "SDV2".
    id: "sd2",
    generator: "Stable Diffusion 2 (reference scripts)",
    bits: bitsOfBytes(Buffer.from("SDV2", "utf8")),
  },
  {
    // invokeai/backend/image_util/invisible_watermark.py: default watermark text "InvokeAI".
    id: "invokeai",
    generator: "InvokeAI",
    bits: bitsOfBytes(Buffer.from("InvokeAI", "utf8")),
  },
];

/** The four ways an embedder may have produced the U plane (see the header comment). */
export const VARIANTS: readonly { domain: PixelDomain; order: ChannelOrder }[] = [
  { domain: "uint8", order: "bgr" },
  { domain: "uint8", order: "rgb" },
  { domain: "float", order: "bgr" },
  { domain: "float", order: "rgb" },
];

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
