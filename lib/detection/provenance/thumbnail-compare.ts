// Compares an EXIF thumbnail with the main image. Cameras write the thumbnail at capture; if the
// pixels were later replaced or heavily edited without refreshing it, the two disagree. Agreement is
// weak evidence of an untouched capture (anyone can regenerate a thumbnail), disagreement a sign of
// editing — never proof of either.
import sharp, { type Metadata, type Sharp } from "sharp";
import type { RawImage } from "../signal";

const SIDE = 32;

export interface ThumbnailComparison {
  /** Pearson correlation of 32×32 grey renderings (best of plain and letterboxed fits). */
  correlation: number | null;
  verdict: "consistent" | "mismatch" | "inconclusive";
  thumbnail: { width: number; height: number };
}

/** Thresholds picked on sharp-made fixtures: re-encoded thumbnails of the same image score > 0.97. */
const CONSISTENT = 0.9;
const MISMATCH = 0.5;

async function grey(input: Sharp): Promise<Float64Array> {
  const buf = await input.greyscale().resize(SIDE, SIDE, { fit: "fill" }).raw().toBuffer();
  return Float64Array.from(buf);
}

function pearson(a: Float64Array, b: Float64Array): number | null {
  const n = a.length;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i]!;
    mb += b[i]!;
  }
  ma /= n;
  mb /= n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    const da = a[i]! - ma;
    const db = b[i]! - mb;
    sab += da * db;
    saa += da * da;
    sbb += db * db;
  }
  // A flat image has no structure to compare.
  if (saa < n || sbb < n) return null;
  return sab / Math.sqrt(saa * sbb);
}

/** Null when the thumbnail cannot be decoded (corrupt thumbnails are common and mean nothing). */
export async function compareThumbnail(thumbJpeg: Buffer, image: RawImage): Promise<ThumbnailComparison | null> {
  try {
    return await compare(thumbJpeg, image);
  } catch {
    return null;
  }
}

async function compare(thumbJpeg: Buffer, image: RawImage): Promise<ThumbnailComparison | null> {
  const meta: Metadata = await sharp(thumbJpeg).metadata();
  const tw = meta.width ?? 0;
  const th = meta.height ?? 0;
  if (!tw || !th) return null;
  const raw = { raw: { width: image.width, height: image.height, channels: image.channels } } as const;
  const t = await grey(sharp(thumbJpeg));
  // Cameras often letterbox a 3:2 frame into a 4:3 (160×120) thumbnail with black bars.
  const plain = await grey(sharp(image.data, raw));
  const boxed = await grey(
    sharp(await sharp(image.data, raw).resize(tw, th, { fit: "contain", background: "#000000" }).png().toBuffer()),
  );
  const scores = [pearson(t, plain), pearson(t, boxed)].filter((x): x is number => x !== null);
  const correlation = scores.length ? Math.max(...scores) : null;
  const verdict = correlation === null ? "inconclusive" : correlation >= CONSISTENT ? "consistent" : correlation < MISMATCH ? "mismatch" : "inconclusive";
  return { correlation, verdict, thumbnail: { width: tw, height: th } };
}
