// Test-only embedder for the invisible-watermark "dwtDct" scheme, written from the reference
// (ShieldMnt/invisible-watermark imwatermark/maxDct.py, EmbedMaxDct.encode / encode_frame /
// diffuse_dct_matrix) so the decoder in ../provenance/dwtdct/ is tested against the same
// arithmetic the generators run, in both pixel domains they use:
//   uint8 — SD v1/v2 reference scripts, InvokeAI: cv2 uint8 YUV, the float inverse DWT is written back
//           into the uint8 array (numpy truncates), then cv2 YUV2BGR rounds and saturates.
//   float — diffusers SDXL: float32 0..255 RGB handed to OpenCV as if BGR, YUV delta 0.5, the result
//           is later rounded to uint8 when saved.
// The reference passes (cA, (cV, cH, cD)) to pywt.idwt2 — H and V swapped — which we reproduce so
// fixtures carry the same side effects as real outputs.
import type { RawImage } from "../signal";
import { DWTDCT_BLOCK, DWTDCT_SCALE, type ChannelOrder, type PixelDomain, maxCoefficientIndex } from "../provenance/dwtdct";

export interface EmbedOptions {
  domain: PixelDomain;
  order: ChannelOrder;
}

export function embedDwtDct(raw: RawImage, bits: number[], { domain, order }: EmbedOptions): RawImage {
  const { width, height, channels, data } = raw;
  if (width * height < 256 * 256) throw new Error("image too small, should be larger than 256x256");
  const n = width * height;
  const bi = order === "bgr" ? 2 : 0;
  const ri = order === "bgr" ? 0 : 2;
  const delta = domain === "uint8" ? 128 : 0.5;
  const q = (v: number) => (domain === "uint8" ? Math.min(255, Math.max(0, Math.round(v))) : v);
  const Y = new Float64Array(n);
  const U = new Float64Array(n);
  const V = new Float64Array(n);
  for (let p = 0, i = 0; p < n; p++, i += channels) {
    const r = data[i + ri]!;
    const g = data[i + 1]!;
    const b = data[i + bi]!;
    const y = 0.299 * r + 0.587 * g + 0.114 * b;
    Y[p] = q(y);
    U[p] = q((b - y) * 0.492 + delta);
    V[p] = q((r - y) * 0.877 + delta);
  }

  // Forward Haar on the U channel's top-left rows//4*4 × cols//4*4 region.
  const w = (Math.floor(width / 4) * 4) / 2;
  const h = (Math.floor(height / 4) * 4) / 2;
  const A = new Float64Array(w * h);
  const H = new Float64Array(w * h);
  const Vd = new Float64Array(w * h);
  const D = new Float64Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const a = U[2 * y * width + 2 * x]!;
      const b = U[2 * y * width + 2 * x + 1]!;
      const c = U[(2 * y + 1) * width + 2 * x]!;
      const d = U[(2 * y + 1) * width + 2 * x + 1]!;
      const k = y * w + x;
      // pywt 'haar' (dec_hi = [-1/√2, 1/√2]): detail = (first − second)/√2 per axis.
      A[k] = (a + b + c + d) / 2;
      H[k] = (a + b - c - d) / 2;
      Vd[k] = (a - b + c - d) / 2;
      D[k] = (a - b - c + d) / 2;
    }
  }

  // encode_frame: block n gets bits[n mod len] in its largest non-first coefficient.
  const bw = Math.floor(w / DWTDCT_BLOCK);
  const bh = Math.floor(h / DWTDCT_BLOCK);
  let num = 0;
  for (let by = 0; by < bh; by++) {
    for (let bx = 0; bx < bw; bx++) {
      const bit = bits[num % bits.length]!;
      const kk = maxCoefficientIndex(A, w, bx, by);
      const idx = (by * DWTDCT_BLOCK + (kk >> 2)) * w + bx * DWTDCT_BLOCK + (kk & 3);
      const val = A[idx]!;
      const mag = (Math.floor(Math.abs(val) / DWTDCT_SCALE) + 0.25 + 0.5 * bit) * DWTDCT_SCALE;
      A[idx] = val >= 0 ? mag : -mag;
      num++;
    }
  }

  // Inverse with H and V swapped, exactly as the reference calls idwt2((ca1, (v1, h1, d1))).
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const k = y * w + x;
      const a = A[k]!;
      const hh = Vd[k]!;
      const vv = H[k]!;
      const d = D[k]!;
      const put = (yy: number, xx: number, v: number) => {
        // uint8 arrays truncate on assignment in numpy; out-of-range values are clamped here.
        U[yy * width + xx] = domain === "uint8" ? Math.min(255, Math.max(0, Math.trunc(v))) : v;
      };
      put(2 * y, 2 * x, (a + hh + vv + d) / 2);
      put(2 * y, 2 * x + 1, (a + hh - vv - d) / 2);
      put(2 * y + 1, 2 * x, (a - hh + vv - d) / 2);
      put(2 * y + 1, 2 * x + 1, (a - hh - vv + d) / 2);
    }
  }

  // cv2 YUV2BGR (OpenCV coefficients 2.032, 0.395, 0.581, 1.140), then save as 8-bit RGB.
  const out = Buffer.alloc(n * 3);
  const to8 = (v: number) => Math.min(255, Math.max(0, Math.round(v)));
  for (let p = 0; p < n; p++) {
    const y = Y[p]!;
    const u = U[p]! - delta;
    const v = V[p]! - delta;
    const b = to8(y + 2.032 * u);
    const g = to8(y - 0.395 * u - 0.581 * v);
    const r = to8(y + 1.14 * v);
    out[p * 3 + ri] = r;
    out[p * 3 + 1] = g;
    out[p * 3 + bi] = b;
  }
  return { data: out, width, height, channels: 3 };
}
