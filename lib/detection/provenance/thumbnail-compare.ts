// Compares an EXIF thumbnail with the main image. Cameras write the thumbnail at capture; if the
// pixels were later replaced or heavily edited without refreshing it, the two disagree. Agreement is
// weak evidence of an untouched capture (anyone can regenerate a thumbnail), disagreement a sign of
// editing — never proof of either. A lossless crop (jpegtran, most photo apps) keeps the old
// thumbnail, so before calling a mismatch we look for the image inside the thumbnail's frame.
import sharp, { type Sharp } from "sharp";
import type { RawImage } from "../signal";

const SIDE = 32;

export type ThumbnailVerdict = "consistent" | "cropped" | "mismatch" | "inconclusive";

export interface ThumbnailComparison {
  /** Pearson correlation of grey renderings (best of plain and letterboxed fits). */
  correlation: number | null;
  /** Best correlation of the image against a window of the thumbnail, when a crop was searched. */
  cropCorrelation: number | null;
  verdict: ThumbnailVerdict;
  thumbnail: { width: number; height: number };
}

/** Thresholds picked on sharp-made fixtures: re-encoded thumbnails of the same image score > 0.97. */
const CONSISTENT = 0.9;
const MISMATCH = 0.5;
/** Smallest window side (thumbnail pixels) worth correlating. */
const MIN_WINDOW = 16;

interface Grey {
  data: Float64Array;
  width: number;
  height: number;
}

async function grey(input: Sharp, width = SIDE, height = SIDE): Promise<Grey> {
  const buf = await input.greyscale().resize(width, height, { fit: "fill" }).raw().toBuffer();
  return { data: Float64Array.from(buf), width, height };
}

/** Pearson correlation of `b` with the window of `a` at (ox, oy) of b's size. */
function pearson(a: Grey, b: Grey, ox = 0, oy = 0): number | null {
  const n = b.width * b.height;
  let ma = 0;
  let mb = 0;
  for (let y = 0; y < b.height; y++) {
    for (let x = 0; x < b.width; x++) {
      ma += a.data[(oy + y) * a.width + ox + x]!;
      mb += b.data[y * b.width + x]!;
    }
  }
  ma /= n;
  mb /= n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let y = 0; y < b.height; y++) {
    for (let x = 0; x < b.width; x++) {
      const da = a.data[(oy + y) * a.width + ox + x]! - ma;
      const db = b.data[y * b.width + x]! - mb;
      sab += da * db;
      saa += da * da;
      sbb += db * db;
    }
  }
  // A flat image has no structure to compare.
  if (saa < n || sbb < n) return null;
  return sab / Math.sqrt(saa * sbb);
}

/** Null when the thumbnail cannot be decoded (corrupt thumbnails are common and mean nothing). */
export async function compareThumbnail(
  thumbJpeg: Buffer,
  image: RawImage,
  /** The capture's full size (EXIF PixelX/YDimension), used to look for a crop. */
  captureSize?: { width: number; height: number },
  /** The image's original size (image.analysis may be downscaled). */
  imageSize?: { width: number; height: number },
): Promise<ThumbnailComparison | null> {
  try {
    return await compare(thumbJpeg, image, captureSize, imageSize ?? { width: image.width, height: image.height });
  } catch {
    return null;
  }
}

async function compare(
  thumbJpeg: Buffer,
  image: RawImage,
  captureSize: { width: number; height: number } | undefined,
  imageSize: { width: number; height: number },
): Promise<ThumbnailComparison | null> {
  const meta = await sharp(thumbJpeg).metadata();
  const tw = meta.width ?? 0;
  const th = meta.height ?? 0;
  if (!tw || !th) return null;
  const raw = { raw: { width: image.width, height: image.height, channels: image.channels } } as const;
  const t = await grey(sharp(thumbJpeg));
  // Cameras often letterbox a 3:2 frame into a 4:3 (160×120) thumbnail with black bars.
  const plain = await grey(sharp(image.data, raw));
  const boxed = await grey(sharp(await sharp(image.data, raw).resize(tw, th, { fit: "contain", background: "#000000" }).png().toBuffer()));
  const scores = [pearson(t, plain), pearson(t, boxed)].filter((x): x is number => x !== null);
  const correlation = scores.length ? Math.max(...scores) : null;
  // Only when the EXIF size still describes the uncropped capture do we know the crop's scale in the
  // thumbnail. Many croppers (jpegtran included) rewrite it to the crop's size; a search over unknown
  // scales was tried and cost ~0.3 s per image for few extra hits, so such crops stay a "mismatch".
  let cropCorrelation: number | null = null;
  if ((correlation === null || correlation < CONSISTENT) && captureSize) {
    cropCorrelation = await searchCrop(thumbJpeg, tw, th, image, raw, captureSize, imageSize);
  }
  const verdict: ThumbnailVerdict =
    correlation !== null && correlation >= CONSISTENT
      ? "consistent"
      : cropCorrelation !== null && cropCorrelation >= CONSISTENT
        ? "cropped"
        : correlation !== null && correlation < MISMATCH
          ? "mismatch"
          : "inconclusive";
  return { correlation, cropCorrelation, verdict, thumbnail: { width: tw, height: th } };
}

/**
 * Slide the image, scaled as the thumbnail scaled the full capture, over the thumbnail's content area
 * and return the best correlation. Only for images smaller than the capture on at least one side.
 */
async function searchCrop(
  thumbJpeg: Buffer,
  tw: number,
  th: number,
  image: RawImage,
  raw: { raw: { width: number; height: number; channels: 1 | 3 | 4 } },
  capture: { width: number; height: number },
  size: { width: number; height: number },
): Promise<number | null> {
  if (size.width > capture.width || size.height > capture.height) return null;
  if (size.width === capture.width && size.height === capture.height) return null;
  // The thumbnail holds the whole capture, letterboxed if the aspect ratios differ.
  const scale = Math.min(tw / capture.width, th / capture.height);
  const cw = Math.round(capture.width * scale);
  const ch = Math.round(capture.height * scale);
  const bx = Math.floor((tw - cw) / 2);
  const by = Math.floor((th - ch) / 2);
  const ww = Math.round(size.width * scale);
  const wh = Math.round(size.height * scale);
  // Too small a window has too few pixels to correlate meaningfully.
  if (ww < MIN_WINDOW || wh < MIN_WINDOW) return null;
  const t = await grey(sharp(thumbJpeg), tw, th);
  const img = await grey(sharp(image.data, raw), ww, wh);
  let best: number | null = null;
  for (let oy = by; oy + wh <= by + ch; oy++) {
    for (let ox = bx; ox + ww <= bx + cw; ox++) {
      const r = pearson(t, img, ox, oy);
      if (r !== null && (best === null || r > best)) best = r;
    }
  }
  return best;
}

