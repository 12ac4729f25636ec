// Decoding: format by magic bytes, size limits before any pixel is decoded, typed errors for
// everything the engine refuses. Nothing here throws for bad input: callers get a Result.
import sharp, { type Sharp, type SharpOptions } from "sharp";
import type { DecodedImage, RawImage } from "./signal";
import type { ImageError, ImageErrorCode, ImageInfo, Result } from "./types";
import { decodeBmp, isBmp, readBmpHeader } from "./formats/bmp";
import { decodeHeif, heifDimensions } from "./formats/heif";

import { ANALYSIS_MAX_SIDE, MAX_BYTES_LABEL, MAX_SIDE, MAX_UPLOAD_BYTES as MAX_BYTES } from "../limits";

export { ANALYSIS_MAX_SIDE, MAX_BYTES, MAX_SIDE };
const MAX_PIXELS = MAX_SIDE * MAX_SIDE;

export type ImageFormat = "jpeg" | "png" | "webp" | "gif" | "tiff" | "bmp" | "avif" | "heif";

const MIME: Record<ImageFormat, string> = {
  jpeg: "image/jpeg",
  png: "image/png",
  webp: "image/webp",
  gif: "image/gif",
  tiff: "image/tiff",
  bmp: "image/bmp",
  avif: "image/avif",
  heif: "image/heic",
};

function err(code: ImageErrorCode, message: string): { ok: false; error: ImageError } {
  return { ok: false, error: { code, message } };
}

const ascii = (b: Buffer, start: number, end: number) => b.subarray(start, end).toString("latin1");

/** The container format from the first bytes; file names and declared MIME types are never trusted. */
export function sniffFormat(b: Buffer): ImageFormat | null {
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return "jpeg";
  if (b.length >= 8 && b.readUInt32BE(0) === 0x89504e47 && b.readUInt32BE(4) === 0x0d0a1a0a) return "png";
  if (b.length >= 12 && ascii(b, 0, 4) === "RIFF" && ascii(b, 8, 12) === "WEBP") return "webp";
  if (b.length >= 6 && (ascii(b, 0, 6) === "GIF87a" || ascii(b, 0, 6) === "GIF89a")) return "gif";
  if (b.length >= 4 && (ascii(b, 0, 4) === "II*\0" || ascii(b, 0, 4) === "MM\0*")) return "tiff";
  if (b.length >= 26 && isBmp(b) && b.readUInt32LE(14) >= 12 && b.readUInt32LE(14) <= 124) return "bmp";
  if (b.length >= 12 && ascii(b, 4, 8) === "ftyp") {
    // ISO BMFF: major brand + compatible brands (ISO/IEC 23008-12 Annex B, AV1-ISOBMFF §2).
    const size = Math.min(b.readUInt32BE(0), b.length, 256);
    const brands = [ascii(b, 8, 12)];
    for (let o = 16; o + 4 <= size; o += 4) brands.push(ascii(b, o, o + 4));
    if (brands.includes("avif") || brands.includes("avis")) return "avif";
    if (brands.some((x) => ["heic", "heix", "hevc", "hevx", "heim", "heis", "mif1", "msf1"].includes(x))) return "heif";
  }
  return null;
}

function sizeCheck(width: number, height: number): ImageError | null {
  if (!(width > 0 && height > 0)) return { code: "image_corrupt", message: "The image header has no valid dimensions." };
  if (width > MAX_SIDE || height > MAX_SIDE) {
    return { code: "image_too_large", message: `The image is ${width}×${height}; the limit is ${MAX_SIDE} pixels per side.` };
  }
  return null;
}

function byteChecks(bytes: Buffer): { ok: false; error: ImageError } | { ok: true; format: ImageFormat } {
  if (bytes.length === 0) return err("image_empty", "The file is empty.");
  if (bytes.length > MAX_BYTES) return err("image_too_large", `The file is ${(bytes.length / 1048576).toFixed(1)} MB; the limit is ${MAX_BYTES_LABEL}.`);
  const format = sniffFormat(bytes);
  if (!format) return err("image_unsupported_format", "This is not a supported image (JPEG, PNG, WebP, GIF, TIFF, BMP, AVIF or HEIC).");
  return { ok: true, format };
}

/** Map a sharp/libvips error to a code. The format was already recognised, so failures mean a bad file. */
function sharpError(e: unknown): ImageError {
  const msg = e instanceof Error ? e.message : String(e);
  if (/pixel limit/i.test(msg)) return { code: "image_too_large", message: `The image has more than ${MAX_SIDE}×${MAX_SIDE} pixels.` };
  return { code: "image_corrupt", message: `The image could not be decoded (${msg.split("\n")[0]?.slice(0, 160)}).` };
}

interface Header {
  width: number;
  height: number;
  orientation: number | undefined;
  hasAlpha: boolean;
}

async function readHeader(bytes: Buffer, format: ImageFormat): Promise<Result<Header, ImageError>> {
  try {
    if (format === "bmp") {
      const h = readBmpHeader(bytes);
      if (!h.ok) return err(h.reason === "unsupported" ? "image_unsupported_format" : "image_corrupt", h.message);
      return { ok: true, value: { width: h.header.width, height: h.header.height, orientation: undefined, hasAlpha: h.header.bits === 32 } };
    }
    if (format === "heif") {
      const d = heifDimensions(bytes);
      if (!d) return err("image_corrupt", "The HEIF file has no image size property.");
      return { ok: true, value: { ...d, orientation: undefined, hasAlpha: false } };
    }
    const m = await sharp(bytes, { limitInputPixels: false }).metadata();
    return {
      ok: true,
      value: { width: m.width ?? 0, height: m.pageHeight ?? m.height ?? 0, orientation: m.orientation, hasAlpha: m.hasAlpha ?? false },
    };
  } catch (e) {
    return { ok: false, error: sharpError(e) };
  }
}

/** Cheap check for the upload path: magic bytes and header only, no pixel decoding. */
export async function inspectImage(bytes: Buffer): Promise<Result<ImageInfo, ImageError>> {
  const pre = byteChecks(bytes);
  if (!pre.ok) return pre;
  const h = await readHeader(bytes, pre.format);
  if (!h.ok) return h;
  const bad = sizeCheck(h.value.width, h.value.height);
  if (bad) return { ok: false, error: bad };
  return { ok: true, value: infoOf(pre.format, h.value, bytes.length) };
}

function infoOf(format: ImageFormat, h: Header, sizeBytes: number): ImageInfo {
  return { mime: MIME[format], format, width: h.width, height: h.height, sizeBytes };
}

/** A fresh sharp pipeline over the decoded first frame, unrotated, untouched colour. */
type Source = () => Sharp;

async function openSource(bytes: Buffer, format: ImageFormat): Promise<Result<{ source: Source; width: number; height: number; hasAlpha: boolean }, ImageError>> {
  if (format === "bmp") {
    const d = decodeBmp(bytes);
    if (!d.ok) return err(d.reason === "unsupported" ? "image_unsupported_format" : "image_corrupt", d.message);
    const raw = { width: d.width, height: d.height, channels: 4 as const };
    return { ok: true, value: { source: () => sharp(d.data, { raw }), width: d.width, height: d.height, hasAlpha: d.hasAlpha } };
  }
  if (format === "heif") {
    try {
      const d = await decodeHeif(bytes);
      const bad = sizeCheck(d.width, d.height);
      if (bad) return { ok: false, error: bad };
      const raw = { width: d.width, height: d.height, channels: 4 as const };
      // The RGBA buffer always has 4 channels; libheif says whether the file has an alpha plane.
      return { ok: true, value: { source: () => sharp(d.data, { raw }), width: d.width, height: d.height, hasAlpha: d.hasAlpha } };
    } catch (e) {
      return err("image_corrupt", `The HEIF image could not be decoded (${e instanceof Error ? e.message : String(e)}).`);
    }
  }
  // failOn "truncated": a cut-off file is corrupt, not silently grey-filled. limitInputPixels guards
  // against decompression bombs whose header lies below what the pixel data would expand to.
  const opts: SharpOptions = { failOn: "truncated", limitInputPixels: MAX_PIXELS, pages: 1, page: 0 };
  return { ok: true, value: { source: () => sharp(bytes, opts), width: 0, height: 0, hasAlpha: false } };
}

/** sRGB, 8-bit, 3 channels, alpha flattened on white. Handles CMYK (ICC), 16-bit and grayscale. */
async function toRgb(p: Sharp): Promise<RawImage> {
  const { data, info } = await p
    .flatten({ background: { r: 255, g: 255, b: 255 } })
    .toColourspace("srgb")
    .removeAlpha()
    .raw({ depth: "uchar" })
    .toBuffer({ resolveWithObject: true });
  if (info.channels === 3) return { data, width: info.width, height: info.height, channels: 3 };
  // Defensive: grayscale that libvips kept single-channel.
  const n = info.width * info.height;
  const out = Buffer.alloc(n * 3);
  for (let i = 0; i < n; i++) {
    const v = data[i * info.channels]!;
    out[i * 3] = v;
    out[i * 3 + 1] = v;
    out[i * 3 + 2] = v;
  }
  return { data: out, width: info.width, height: info.height, channels: 3 };
}

/**
 * Decode once for all signals: `analysis` now, `fullRes()` on demand (memoised).
 *
 * `predecoded`: the `analysis` an earlier decodeImage of these same bytes returned. The checks still
 * run on the bytes (they read only the header), but the pixels are not decoded again when that raster
 * is the full-size one (the image fits ANALYSIS_MAX_SIDE) of a format sharp decodes lazily (not BMP or
 * HEIF, whose decoders run in openSource): the result is then the same as without it.
 */
export async function decodeImage(bytes: Buffer, predecoded?: RawImage): Promise<Result<DecodedImage, ImageError>> {
  const pre = byteChecks(bytes);
  if (!pre.ok) return pre;
  const header = await readHeader(bytes, pre.format);
  if (!header.ok) return header;
  const bad = sizeCheck(header.value.width, header.value.height);
  if (bad) return { ok: false, error: bad };
  const opened = await openSource(bytes, pre.format);
  if (!opened.ok) return opened;
  const { source } = opened.value;
  // Raw-pixel sources (BMP, HEIF) know their decoded size; libheif applies `irot`, which can swap the
  // `ispe` width and height, so the decoded size wins.
  const width = opened.value.width || header.value.width;
  const height = opened.value.height || header.value.height;
  const hdr = { ...header.value, width, height };
  const hasAlpha = header.value.hasAlpha || opened.value.hasAlpha;
  const scale = Math.min(1, ANALYSIS_MAX_SIDE / Math.max(width, height));

  const reusable =
    predecoded !== undefined &&
    scale === 1 &&
    pre.format !== "bmp" &&
    pre.format !== "heif" &&
    predecoded.channels === 3 &&
    predecoded.width === width &&
    predecoded.height === height &&
    predecoded.data.length === width * height * 3;
  let analysis: RawImage;
  if (reusable) analysis = predecoded;
  else {
    try {
      const p = source();
      analysis = await toRgb(
        scale < 1
          ? p.resize({ width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)), fit: "fill", kernel: "lanczos3" })
          : p,
      );
    } catch (e) {
      return { ok: false, error: sharpError(e) };
    }
  }
  let full: Promise<RawImage> | null = scale === 1 ? Promise.resolve(analysis) : null;
  const info = infoOf(pre.format, hdr, bytes.length);
  return {
    ok: true,
    value: {
      bytes,
      info,
      orientation: hdr.orientation,
      hasAlpha,
      analysis,
      analysisScale: analysis.width / width,
      fullRes() {
        full ??= toRgb(source());
        return full;
      },
    },
  };
}
