// HEIC/HEIF decoding through libheif-js (WASM): sharp's prebuilt libvips has libheif for AVIF only
// (no HEVC decoder, for patent reasons), so HEVC-coded HEIF is decoded here and handed to sharp raw.
interface HeifImage {
  get_width(): number;
  get_height(): number;
  is_primary(): boolean;
  has_alpha_channel(): boolean;
  display(target: { data: Uint8ClampedArray; width: number; height: number }, cb: (d: unknown) => void): void;
  free(): void;
}
interface HeifDecoder {
  decode(buf: Uint8Array): HeifImage[];
  /** The heif_context pointer decode() allocated; libheif-js never frees it itself. */
  decoder: number | null;
}
interface LibHeif {
  HeifDecoder: new () => HeifDecoder;
  heif_context_free(ctx: number): void;
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

/**
 * Decode the primary image to RGBA (libheif applies `irot`/`imir`/`clap`, so pixels come out in display
 * orientation; 10/12-bit images are reduced to 8 bits). Throws on malformed input (the caller maps it to
 * image_corrupt).
 */
export async function decodeHeif(bytes: Buffer): Promise<{ data: Buffer; width: number; height: number; hasAlpha: boolean }> {
  const heif = await libheif();
  const decoder = new heif.HeifDecoder();
  let images: HeifImage[] = [];
  try {
    images = decoder.decode(bytes); // [] (and a console line from libheif-js) when the file does not parse
    // decode() lists every top-level image in file order; the primary (`pitm`) need not be the first.
    const image = images.find((im) => im.is_primary()) ?? images[0];
    if (!image) throw new Error("no decodable image in the HEIF file");
    const width = image.get_width();
    const height = image.get_height();
    const target = { data: new Uint8ClampedArray(width * height * 4), width, height };
    await new Promise<void>((resolve, reject) => {
      image.display(target, (d) => (d ? resolve() : reject(new Error("HEIF decoding failed"))));
    });
    const data = Buffer.from(target.data.buffer, target.data.byteOffset, target.data.byteLength);
    return { data, width, height, hasAlpha: image.has_alpha_channel() };
  } finally {
    // Release handles and the context even on failure: the context holds a copy of the whole file in
    // the WASM heap, which never shrinks, so leaking it grew the heap by about one file per decode.
    for (const im of images) im.free();
    if (decoder.decoder) heif.heif_context_free(decoder.decoder);
    decoder.decoder = null;
  }
}

interface Box {
  type: string;
  /** Offset of the payload (after size and type). */
  body: number;
  end: number;
}

/** The boxes between start and end (ISO/IEC 14496-12 §4.2); stops at the first malformed size. */
function boxes(b: Buffer, start: number, end: number): Box[] {
  const out: Box[] = [];
  for (let o = start; o + 8 <= end; ) {
    let size = b.readUInt32BE(o);
    let body = o + 8;
    if (size === 1) {
      if (o + 16 > end) break;
      size = Number(b.readBigUInt64BE(o + 8));
      body = o + 16;
    } else if (size === 0) size = end - o;
    if (size < body - o || o + size > end) break;
    out.push({ type: b.toString("latin1", o + 4, o + 8), body, end: o + size });
    o += size;
  }
  return out;
}

/**
 * Header-only size of the primary image, as decodeHeif will return it: the `ispe` property associated with
 * the `pitm` item (ISO/IEC 23008-12 §6.5.3), width and height swapped by a 90°/270° `irot` (§6.5.10).
 * Not simply the first `ispe` in the file: in a grid image (iPhones write 512×512 tiles; heif-enc does
 * for alpha and odd sizes) that is a tile's. A `clap` crop is not applied (it only shrinks the image, so
 * the size limit stays safe; decodeImage reports the decoded size). Null when the boxes don't say.
 */
export function heifDimensions(bytes: Buffer): { width: number; height: number } | null {
  try {
    const meta = boxes(bytes, 0, bytes.length).find((x) => x.type === "meta");
    if (!meta) return null;
    const inMeta = boxes(bytes, meta.body + 4, meta.end); // meta is a FullBox: skip version and flags
    const pitm = inMeta.find((x) => x.type === "pitm");
    const iprp = inMeta.find((x) => x.type === "iprp");
    if (!pitm || !iprp) return null;
    const primary = bytes[pitm.body] === 0 ? bytes.readUInt16BE(pitm.body + 4) : bytes.readUInt32BE(pitm.body + 4);
    const inIprp = boxes(bytes, iprp.body, iprp.end);
    const ipco = inIprp.find((x) => x.type === "ipco");
    if (!ipco) return null;
    const props = boxes(bytes, ipco.body, ipco.end);
    // ipma (§8.11.14 of 14496-12 / 23008-12 §9.3): per item, 1-based indices into ipco, in the order the
    // transformations apply.
    const assoc: number[] = [];
    for (const ipma of inIprp.filter((x) => x.type === "ipma")) {
      const version = bytes[ipma.body]!;
      const wide = (bytes[ipma.body + 3]! & 1) === 1;
      let o = ipma.body + 4;
      const entries = bytes.readUInt32BE(o);
      o += 4;
      for (let i = 0; i < entries && o < ipma.end; i++) {
        const item = version < 1 ? bytes.readUInt16BE(o) : bytes.readUInt32BE(o);
        o += version < 1 ? 2 : 4;
        const count = bytes[o++]!;
        for (let j = 0; j < count; j++) {
          const index = wide ? bytes.readUInt16BE(o) & 0x7fff : bytes[o]! & 0x7f;
          o += wide ? 2 : 1;
          if (item === primary) assoc.push(index);
        }
      }
      if (o > ipma.end) return null;
    }
    let size: { width: number; height: number } | null = null;
    for (const index of assoc) {
      const p = props[index - 1];
      if (p?.type === "ispe" && p.body + 12 <= p.end) {
        size = { width: bytes.readUInt32BE(p.body + 4), height: bytes.readUInt32BE(p.body + 8) };
      } else if (p?.type === "irot" && size && p.body < p.end && (bytes[p.body]! & 1) === 1) {
        size = { width: size.height, height: size.width };
      }
    }
    return size && size.width > 0 && size.height > 0 ? size : null;
  } catch {
    return null; // a read past the end of the buffer: truncated header
  }
}
