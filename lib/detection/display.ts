// What a person looks at: the decoded image, upright, in a format every browser shows. Made by the
// engine's own decoder, so HEIC, BMP and TIFF originals display like the rest.
import sharp from "sharp";
import { decodeImage } from "./decode";
import { orientPipeline } from "./orientation";
import type { ImageError, Result } from "./types";

/** Formats browsers render from the original bytes (HEIC and TIFF are not among them). */
const BROWSER_FORMATS = new Set(["jpeg", "png", "webp", "gif", "avif", "bmp"]);

/**
 * Whether the original needs a derivative to be shown: a format browsers cannot render, or an EXIF
 * orientation outside JPEG (browsers apply it to JPEG; not reliably to the others).
 */
export function needsDisplayDerivative(format: string, orientation: number | null | undefined): boolean {
  if (!BROWSER_FORMATS.has(format)) return true;
  return format !== "jpeg" && orientation !== null && orientation !== undefined && orientation > 1;
}

/** Full-resolution WebP of the decoded, upright image (alpha flattened on white, as analysed). */
export async function renderDisplayImage(bytes: Buffer): Promise<Result<{ webp: Buffer; width: number; height: number }, ImageError>> {
  const decoded = await decodeImage(bytes);
  if (!decoded.ok) return decoded;
  try {
    const full = await decoded.value.fullRes();
    const pipeline = orientPipeline(sharp(full.data, { raw: { width: full.width, height: full.height, channels: full.channels } }), decoded.value.orientation);
    const { data, info } = await pipeline.webp({ quality: 90 }).toBuffer({ resolveWithObject: true });
    return { ok: true, value: { webp: data, width: info.width, height: info.height } };
  } catch (e) {
    return { ok: false, error: { code: "image_corrupt", message: `The image could not be decoded (${e instanceof Error ? e.message.split("\n")[0] : String(e)}).` } };
  }
}

/** The queue's thumbnails fit this square: 48 CSS pixels at up to 3× density, with room to spare. */
export const THUMBNAIL_SIDE = 160;

/**
 * A small upright WebP for lists of cases, made from the decoder's analysis raster (already at most
 * ANALYSIS_MAX_SIDE a side), so a 20 MB original or a HEIC never reaches the browser for a thumbnail.
 */
export async function renderThumbnail(bytes: Buffer): Promise<Result<{ webp: Buffer; width: number; height: number }, ImageError>> {
  const decoded = await decodeImage(bytes);
  if (!decoded.ok) return decoded;
  try {
    const a = decoded.value.analysis;
    // Fit inside a square: the same size whether the turn comes before or after the resize.
    const resized = sharp(a.data, { raw: { width: a.width, height: a.height, channels: a.channels } }).resize({ width: THUMBNAIL_SIDE, height: THUMBNAIL_SIDE, fit: "inside", withoutEnlargement: true });
    const { data, info } = await orientPipeline(resized, decoded.value.orientation).webp({ quality: 75 }).toBuffer({ resolveWithObject: true });
    return { ok: true, value: { webp: data, width: info.width, height: info.height } };
  } catch (e) {
    return { ok: false, error: { code: "image_corrupt", message: `The image could not be decoded (${e instanceof Error ? e.message.split("\n")[0] : String(e)}).` } };
  }
}
