// HEIC/HEIF decoding through libheif-js (WASM): sharp's prebuilt libvips has libheif for AVIF only
// (no HEVC decoder, for patent reasons), so HEVC-coded HEIF is decoded here and handed to sharp raw.
interface HeifImage {
  get_width(): number;
  get_height(): number;
  display(target: { data: Uint8ClampedArray; width: number; height: number }, cb: (d: unknown) => void): void;
  free?(): void;
}
interface LibHeif {
  HeifDecoder: new () => { decode(buf: Uint8Array): HeifImage[] };
}

let lib: LibHeif | null = null;
async function libheif(): Promise<LibHeif> {
  // Loaded lazily: the WASM bundle is ~2 MB and only HEIC uploads need it.
  if (!lib) {
    // @ts-expect-error libheif-js ships no types for this entry point
    const mod = (await import("libheif-js/wasm-bundle")) as { default?: LibHeif } & LibHeif;
    lib = mod.default ?? mod;
  }
  return lib;
}

/** Decode the primary image to RGBA. Throws on malformed input (the caller maps it to image_corrupt). */
export async function decodeHeif(bytes: Buffer): Promise<{ data: Buffer; width: number; height: number }> {
  const images = new (await libheif()).HeifDecoder().decode(bytes);
  const image = images[0];
  if (!image) throw new Error("HEIF file holds no image");
  const width = image.get_width();
  const height = image.get_height();
  const target = { data: new Uint8ClampedArray(width * height * 4), width, height };
  await new Promise<void>((resolve, reject) => {
    image.display(target, (d) => (d ? resolve() : reject(new Error("HEIF decoding failed"))));
  });
  for (const im of images) im.free?.();
  return { data: Buffer.from(target.data.buffer, target.data.byteOffset, target.data.byteLength), width, height };
}

/** Header-only size: width/height of the primary image from the `ispe` property (ISO/IEC 23008-12 6.5.3). */
export function heifDimensions(bytes: Buffer): { width: number; height: number } | null {
  const i = bytes.indexOf("ispe", 0, "latin1");
  if (i < 0 || i + 16 > bytes.length) return null;
  // box: size(4) 'ispe'(4) version/flags(4) width(4) height(4)
  const width = bytes.readUInt32BE(i + 8);
  const height = bytes.readUInt32BE(i + 12);
  return width > 0 && height > 0 ? { width, height } : null;
}
