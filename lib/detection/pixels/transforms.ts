// Pure per-pixel transforms of decoded images: BT.601 luma and the high-pass noise residual.
import type { RawImage } from "../signal";

/** A single-channel float plane. */
export interface Plane {
  data: Float32Array;
  width: number;
  height: number;
}

/** Luma of a sub-rectangle (for full-resolution work on a crop without converting the whole image). */
export function lumaCrop(img: RawImage, x0: number, y0: number, w: number, h: number): Plane {
  const { width, channels, data } = img;
  const out = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    let j = ((y0 + y) * width + x0) * channels;
    for (let x = 0; x < w; x++, j += channels) {
      out[y * w + x] = channels === 1 ? data[j]! : 0.299 * data[j]! + 0.587 * data[j + 1]! + 0.114 * data[j + 2]!;
    }
  }
  return { data: out, width: w, height: h };
}

/** BT.601 luma (the JPEG YCbCr definition, T.871), 0..255. */
export function luma(img: RawImage, out: Float32Array = new Float32Array(img.width * img.height)): Plane {
  const { width, height, channels, data } = img;
  if (channels === 1) {
    for (let i = 0; i < out.length; i++) out[i] = data[i]!;
  } else if (channels === 3) {
    lumaRgb(data, out);
  } else {
    for (let i = 0, j = 0; i < out.length; i++, j += channels) {
      out[i] = 0.299 * data[j]! + 0.587 * data[j + 1]! + 0.114 * data[j + 2]!;
    }
  }
  return { data: out, width, height };
}

/**
 * Luma of interleaved RGB (the analysis image's layout: a constant stride lets V8 compile a tighter
 * loop), and when `out8` is given the same values rounded to bytes in the same pass (Math.round, as
 * luma ≥ 0), which costs less than a second pass over the float plane.
 */
export function lumaRgb(rgb: Uint8Array, out: Float32Array, out8?: Uint8Array): void {
  if (!out8) {
    for (let i = 0, j = 0; i < out.length; i++, j += 3) out[i] = 0.299 * rgb[j]! + 0.587 * rgb[j + 1]! + 0.114 * rgb[j + 2]!;
    return;
  }
  for (let i = 0, j = 0; i < out.length; i++, j += 3) {
    const v = Math.fround(0.299 * rgb[j]! + 0.587 * rgb[j + 1]! + 0.114 * rgb[j + 2]!);
    out[i] = v;
    out8[i] = (v + 0.5) | 0;
  }
}

/**
 * High-pass noise residual: pixel minus the mean of its 4 neighbours (a discrete Laplacian / 4).
 * Cheap stand-in for a denoiser residual; it keeps sensor noise and generator texture, drops content
 * gradients. Border pixels are 0.
 */
export function residual(p: Plane, out: Float32Array = new Float32Array(p.width * p.height)): Plane {
  const { width: w, height: h, data } = p;
  // Borders are 0 (`out` may be a reused plane, so they are written, not assumed).
  out.fill(0, 0, w);
  out.fill(0, Math.max(0, (h - 1) * w));
  for (let y = 1; y < h - 1; y++) {
    const row = y * w;
    out[row] = 0;
    out[row + w - 1] = 0;
    // The left, centre and right values slide along the row: one new load a pixel instead of three.
    let left = data[row]!;
    let centre = data[row + 1]!;
    for (let x = 1; x < w - 1; x++) {
      const i = row + x;
      const right = data[i + 1]!;
      out[i] = centre - 0.25 * (left + right + data[i - w]! + data[i + w]!);
      left = centre;
      centre = right;
    }
  }
  return { data: out, width: w, height: h };
}
