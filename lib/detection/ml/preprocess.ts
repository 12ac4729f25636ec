// Preprocessing for Loupe's detector, a line-by-line port of models/training/common.py
// (grid_patches, axis_positions, pad_to_patch). The exact spec is recorded in the model's sidecar
// JSON (`preprocessing`, `patch`); models/parity.json pins the result, and preprocess.test.ts /
// index.test.ts check this file against it. Integer arithmetic only for the grid so Python and
// TypeScript agree bit for bit.
import type { RawImage } from "../signal";

export interface PatchSpec {
  /** Side of a square patch in pixels. */
  size: number;
  /** Nominal distance between patch origins. */
  stride: number;
  /** At most this many patch positions per axis (bounds the cost on large images). */
  maxPerSide: number;
}

export interface PatchBatch {
  /** (n, 3, size, size) float32, NCHW, value = byte / 255, channel order R, G, B. */
  data: Float32Array;
  n: number;
  /** Patch origins on the (padded) image, row-major: y outer, x inner. */
  positions: { x: number; y: number }[];
  /** Size of the image the grid was laid on (after padding small images up to one patch). */
  width: number;
  height: number;
}

/** Patch origins along one axis of `length` pixels. Mirrors axis_positions() in common.py. */
export function axisPositions(length: number, spec: PatchSpec): number[] {
  const { size, stride, maxPerSide } = spec;
  if (length <= size) return [0];
  const n = Math.min(maxPerSide, Math.ceil((length - size) / stride) + 1);
  if (n === 1) return [Math.floor((length - size) / 2)];
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(Math.floor((i * (length - size)) / (n - 1)));
  return out;
}

/**
 * Interleaved 8-bit RGB of `img`. Grey is replicated; RGBA is flattened on white
 * (round(c·a/255 + 255·(1 − a/255))), which is what the engine's decode does before we ever see it,
 * so in practice the analysis image arrives as 3 channels and this is a plain copy.
 */
export function toRgb(img: RawImage): Uint8Array {
  const { data, width, height, channels } = img;
  const n = width * height;
  if (data.length < n * channels) throw new Error(`pixel buffer too short for ${width}x${height}x${channels}`);
  if (channels === 3) return new Uint8Array(data.buffer, data.byteOffset, n * 3);
  const out = new Uint8Array(n * 3);
  for (let i = 0; i < n; i++) {
    if (channels === 1) {
      const v = data[i]!;
      out[3 * i] = v;
      out[3 * i + 1] = v;
      out[3 * i + 2] = v;
    } else {
      const a = data[4 * i + 3]! / 255;
      for (let c = 0; c < 3; c++) out[3 * i + c] = Math.round(data[4 * i + c]! * a + 255 * (1 - a));
    }
  }
  return out;
}

/** byte / 255 for every byte value (the same float32 values as dividing, without 3 divisions a pixel). */
const BYTE_TO_UNIT = Float32Array.from({ length: 256 }, (_, b) => b / 255);

/**
 * Batches whose inference has finished, reused for the next image (a full 64-patch batch is 3 MB; fresh
 * ArrayBuffers of that size for every scan are a large share of V8's full collections).
 */
const batchPool = new Map<number, Float32Array[]>();

/** Hand a batch's buffer back once nothing reads it (after the model run). */
export function releaseBatch(batch: PatchBatch): void {
  const free = batchPool.get(batch.data.length) ?? [];
  if (free.length < 2) free.push(batch.data);
  batchPool.set(batch.data.length, free);
}

/** `count` RGB pixels from `rgb[src]` on to three planes at `out[dst]`, `plane` apart, as byte / 255. */
function rowToPlanes(rgb: Uint8Array, src: number, out: Float32Array, dst: number, plane: number, count: number): void {
  for (let i = 0, s = src, d = dst; i < count; i++, s += 3, d++) {
    out[d] = BYTE_TO_UNIT[rgb[s]!]!;
    out[d + plane] = BYTE_TO_UNIT[rgb[s + 1]!]!;
    out[d + 2 * plane] = BYTE_TO_UNIT[rgb[s + 2]!]!;
  }
}

/** Cut the patch grid. Images smaller than a patch are padded bottom/right by edge replication. */
export function gridPatches(img: RawImage, spec: PatchSpec): PatchBatch {
  const rgb = toRgb(img);
  const { width: w0, height: h0 } = img;
  const P = spec.size;
  const width = Math.max(w0, P);
  const height = Math.max(h0, P);
  const xs = axisPositions(width, spec);
  const ys = axisPositions(height, spec);
  const n = xs.length * ys.length;
  const plane = P * P;
  // Every value is written below, so a reused buffer needs no clearing.
  const data = batchPool.get(n * 3 * plane)?.pop() ?? new Float32Array(n * 3 * plane);
  const positions: { x: number; y: number }[] = [];
  let k = 0;
  for (const y of ys) {
    for (const x of xs) {
      const base = k * 3 * plane;
      const inside = x + P <= w0; // no edge replication needed along x
      for (let dy = 0; dy < P; dy++) {
        const sy = Math.min(y + dy, h0 - 1); // edge replication for padded rows
        const dst = base + dy * P;
        if (inside) rowToPlanes(rgb, 3 * (sy * w0 + x), data, dst, plane, P);
        else {
          for (let dx = 0; dx < P; dx++) {
            const src = 3 * (sy * w0 + Math.min(x + dx, w0 - 1));
            data[dst + dx] = BYTE_TO_UNIT[rgb[src]!]!;
            data[dst + dx + plane] = BYTE_TO_UNIT[rgb[src + 1]!]!;
            data[dst + dx + 2 * plane] = BYTE_TO_UNIT[rgb[src + 2]!]!;
          }
        }
      }
      positions.push({ x, y });
      k++;
    }
  }
  return { data, n, positions, width, height };
}
