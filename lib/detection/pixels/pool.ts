// Memoised luma and residual planes of an analysis image, computed once per image for every signal
// that needs them, with their buffers reused for the next image of the same size.
import type { RawImage } from "../signal";
import { luma, lumaRgb, residual, type Plane } from "./transforms";

// Several signals need the same luma and residual of `image.analysis`: compute them once per image.
const lumaCache = new WeakMap<RawImage, Plane>();
const residualCache = new WeakMap<RawImage, Plane>();
/** Luma rounded to 8 bits, written in the same pass as the luma (ELA re-saves it as a JPEG). */
const luma8Cache = new WeakMap<RawImage, Uint8Array>();
const bytePool = new Map<number, Uint8Array[]>();

/**
 * Planes of finished images, reused for the next image of the same size: each analysis image needs two
 * 4-byte-per-pixel planes, and handing V8 16 MB of fresh ArrayBuffers per 1024² scan drives most of
 * its full garbage collections. Only runDetection returns planes here, after every signal has finished.
 */
const planePool = new Map<number, Float32Array[]>();
const POOL_PER_SIZE = 4;

/** A plane of n values with undefined contents (callers overwrite every value). */
function takePlane(n: number): Float32Array {
  return planePool.get(n)?.pop() ?? new Float32Array(n);
}

/**
 * Give the memoised planes of `img` back for reuse. The caller guarantees nothing reads them any more
 * (runDetection calls this once all signals have settled).
 */
export function releasePlanes(img: RawImage): void {
  for (const cache of [lumaCache, residualCache]) {
    const p = cache.get(img);
    if (!p) continue;
    cache.delete(img);
    giveBack(planePool, p.data);
  }
  const y8 = luma8Cache.get(img);
  if (y8) {
    luma8Cache.delete(img);
    giveBack(bytePool, y8);
  }
}

function giveBack<T extends { length: number }>(pool: Map<number, T[]>, buffer: T): void {
  const free = pool.get(buffer.length) ?? [];
  if (free.length < POOL_PER_SIZE) free.push(buffer);
  pool.set(buffer.length, free);
}

/** Memoised luma of a decoded image (treat the result as read-only). */
export function lumaOf(img: RawImage): Plane {
  let p = lumaCache.get(img);
  if (!p) {
    const n = img.width * img.height;
    const y8 = bytePool.get(n)?.pop() ?? new Uint8Array(n);
    p = { data: takePlane(n), width: img.width, height: img.height };
    if (img.channels === 3) lumaRgb(img.data, p.data, y8);
    else {
      luma(img, p.data);
      for (let i = 0; i < n; i++) y8[i] = (p.data[i]! + 0.5) | 0;
    }
    lumaCache.set(img, p);
    luma8Cache.set(img, y8);
  }
  return p;
}

/** Memoised luma of a decoded image rounded to 0..255 (Math.round of lumaOf's values; read-only). */
export function luma8Of(img: RawImage): Uint8Array {
  lumaOf(img);
  return luma8Cache.get(img)!;
}

/** Memoised high-pass residual of a decoded image's luma (read-only). */
export function residualOf(img: RawImage): Plane {
  let p = residualCache.get(img);
  if (!p) residualCache.set(img, (p = residual(lumaOf(img), takePlane(img.width * img.height))));
  return p;
}
