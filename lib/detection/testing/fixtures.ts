// Deterministic image fixtures made with sharp, for the engine's and the app's tests.
// No third-party images: every pixel comes from a seeded generator below.
import sharp from "sharp";

/** mulberry32: tiny seeded PRNG so fixtures are byte-identical across runs. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface FixtureOptions {
  width?: number;
  height?: number;
  seed?: number;
  channels?: 1 | 3 | 4;
  /** Per-pixel noise amplitude (0..128). Smooth gradients alone look nothing like photos. */
  noise?: number;
}

/** Raw pixels: smooth gradients + a few shapes + seeded noise (photo-ish statistics). */
export function makePixels(opts: FixtureOptions = {}): { data: Buffer; width: number; height: number; channels: 1 | 3 | 4 } {
  const { width = 64, height = 64, seed = 1, channels = 3, noise = 12 } = opts;
  const r = rng(seed);
  const data = Buffer.alloc(width * height * channels);
  const cx = r() * width;
  const cy = r() * height;
  const rad = (0.2 + 0.3 * r()) * Math.min(width, height);
  const phase = r() * 6.28;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const inside = (x - cx) ** 2 + (y - cy) ** 2 < rad * rad;
      const base = 128 + 60 * Math.sin(x / 23 + phase) * Math.cos(y / 31) + (inside ? 40 : -20);
      const o = (y * width + x) * channels;
      for (let c = 0; c < channels; c++) {
        if (channels === 4 && c === 3) {
          data[o + c] = inside ? 255 : Math.round((x / Math.max(1, width - 1)) * 255);
          continue;
        }
        const v = base + c * 15 - 15 + (r() - 0.5) * 2 * noise;
        data[o + c] = Math.max(0, Math.min(255, Math.round(v)));
      }
    }
  }
  return { data, width, height, channels };
}

function fromPixels(opts: FixtureOptions) {
  const p = makePixels(opts);
  return sharp(p.data, { raw: { width: p.width, height: p.height, channels: p.channels } });
}

export function makeJpeg(opts: FixtureOptions & { quality?: number; chroma?: "4:2:0" | "4:4:4"; mozjpeg?: boolean } = {}): Promise<Buffer> {
  return fromPixels(opts)
    .jpeg({ quality: opts.quality ?? 90, chromaSubsampling: opts.chroma ?? "4:2:0", mozjpeg: opts.mozjpeg ?? false })
    .toBuffer();
}

export function makePng(opts: FixtureOptions & { bitdepth16?: boolean } = {}): Promise<Buffer> {
  const img = fromPixels(opts);
  return opts.bitdepth16 ? img.toColourspace("rgb16").png().toBuffer() : img.png().toBuffer();
}

export function makeWebp(opts: FixtureOptions & { lossless?: boolean; quality?: number } = {}): Promise<Buffer> {
  return fromPixels(opts).webp({ lossless: opts.lossless ?? false, quality: opts.quality ?? 90 }).toBuffer();
}

export function makeTiff(opts: FixtureOptions = {}): Promise<Buffer> {
  return fromPixels(opts).tiff().toBuffer();
}

export function makeAvif(opts: FixtureOptions = {}): Promise<Buffer> {
  return fromPixels(opts).avif({ quality: 60, effort: 0 }).toBuffer();
}

export async function makeCmykJpeg(opts: FixtureOptions = {}): Promise<Buffer> {
  return fromPixels(opts).toColourspace("cmyk").jpeg({ quality: 90 }).toBuffer();
}

export function makeGrayscaleJpeg(opts: FixtureOptions = {}): Promise<Buffer> {
  return fromPixels({ ...opts, channels: 1 }).jpeg({ quality: 90 }).toBuffer();
}

/** A JPEG carrying EXIF Orientation (pixels are stored unrotated). */
export function makeRotatedJpeg(opts: FixtureOptions & { orientation?: number } = {}): Promise<Buffer> {
  return fromPixels(opts)
    .withMetadata({ orientation: opts.orientation ?? 6 })
    .jpeg({ quality: 90 })
    .toBuffer();
}

/** An animated GIF with `frames` frames stacked vertically in the source. */
export async function makeAnimatedGif(opts: FixtureOptions & { frames?: number } = {}): Promise<Buffer> {
  const { width = 32, height = 32, frames = 3 } = opts;
  const stacks = [];
  for (let i = 0; i < frames; i++) stacks.push(makePixels({ ...opts, width, height, seed: (opts.seed ?? 1) + i, channels: 4 }).data);
  return sharp(Buffer.concat(stacks), { raw: { width, height: height * frames, channels: 4, pageHeight: height } })
    .gif({ loop: 0, delay: new Array(frames).fill(100) })
    .toBuffer();
}

/** A JPEG cut short mid-scan (no EOI, entropy data missing). */
export async function makeTruncatedJpeg(opts: FixtureOptions = {}): Promise<Buffer> {
  const full = await makeJpeg({ width: 256, height: 256, ...opts });
  return full.subarray(0, Math.floor(full.length * 0.6));
}

/** Uncompressed bottom-up BMP (BITMAPINFOHEADER, 24 or 32 bits). */
export function makeBmp(opts: FixtureOptions & { bits?: 24 | 32 } = {}): Buffer {
  const bits = opts.bits ?? 24;
  const p = makePixels({ ...opts, channels: 3 });
  const bpp = bits / 8;
  const stride = Math.ceil((p.width * bpp) / 4) * 4;
  const size = 54 + stride * p.height;
  const b = Buffer.alloc(size);
  b.write("BM", 0, "latin1");
  b.writeUInt32LE(size, 2);
  b.writeUInt32LE(54, 10);
  b.writeUInt32LE(40, 14);
  b.writeInt32LE(p.width, 18);
  b.writeInt32LE(p.height, 22);
  b.writeUInt16LE(1, 26);
  b.writeUInt16LE(bits, 28);
  b.writeUInt32LE(stride * p.height, 34);
  for (let y = 0; y < p.height; y++) {
    const row = 54 + (p.height - 1 - y) * stride;
    for (let x = 0; x < p.width; x++) {
      const s = (y * p.width + x) * 3;
      const d = row + x * bpp;
      b[d] = p.data[s + 2]!;
      b[d + 1] = p.data[s + 1]!;
      b[d + 2] = p.data[s]!;
      if (bpp === 4) b[d + 3] = 255;
    }
  }
  return b;
}

/** A PNG header claiming the given size, with a tiny (invalid-for-that-size) body: for size checks. */
export async function makeSolidPng(width: number, height: number): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: { r: 200, g: 100, b: 50 } } })
    .png({ compressionLevel: 9 })
    .toBuffer();
}
