// Minimal BMP reader (Microsoft BITMAPINFOHEADER family): sharp's libvips build does not read BMP.
// Supports uncompressed 24/32-bit, BI_BITFIELDS 16/32-bit with explicit masks, and 1/4/8-bit palettes.
// RLE-compressed files are refused (rare, and a decoder bug there is a parser attack surface).

export interface BmpHeader {
  width: number;
  height: number;
  bits: number;
  compression: number;
  topDown: boolean;
  dataOffset: number;
  headerSize: number;
}

export type BmpResult =
  | { ok: true; header: BmpHeader }
  | { ok: false; reason: "corrupt" | "unsupported"; message: string };

const BI_RGB = 0;
const BI_BITFIELDS = 3;
const BI_ALPHABITFIELDS = 6;

export function isBmp(b: Uint8Array): boolean {
  return b.length >= 2 && b[0] === 0x42 && b[1] === 0x4d;
}

export function readBmpHeader(b: Buffer): BmpResult {
  if (b.length < 26 || !isBmp(b)) return { ok: false, reason: "corrupt", message: "BMP header is truncated" };
  const dataOffset = b.readUInt32LE(10);
  const headerSize = b.readUInt32LE(14);
  if (headerSize === 12) {
    // OS/2 BITMAPCOREHEADER: 16-bit dimensions.
    return {
      ok: true,
      header: { width: b.readUInt16LE(18), height: b.readUInt16LE(20), bits: b.readUInt16LE(24), compression: BI_RGB, topDown: false, dataOffset, headerSize },
    };
  }
  if (headerSize < 40 || b.length < 14 + 40) return { ok: false, reason: "corrupt", message: "BMP info header is truncated" };
  const width = b.readInt32LE(18);
  const rawH = b.readInt32LE(22);
  const bits = b.readUInt16LE(28);
  const compression = b.readUInt32LE(30);
  if (width <= 0 || rawH === 0) return { ok: false, reason: "corrupt", message: "BMP has a zero or negative width" };
  const bitfields = compression === BI_BITFIELDS || compression === BI_ALPHABITFIELDS;
  if (!(compression === BI_RGB || (bitfields && (bits === 16 || bits === 32)))) {
    return { ok: false, reason: "unsupported", message: `BMP compression ${compression} is not supported` };
  }
  return { ok: true, header: { width, height: Math.abs(rawH), bits, compression, topDown: rawH < 0, dataOffset, headerSize } };
}

function maskShift(mask: number): { shift: number; max: number } {
  if (mask === 0) return { shift: 0, max: 0 };
  let shift = 0;
  while (((mask >>> shift) & 1) === 0) shift++;
  return { shift, max: mask >>> shift };
}

/** Decode to interleaved RGBA 8-bit. */
export function decodeBmp(b: Buffer): { ok: true; data: Buffer; width: number; height: number; hasAlpha: boolean } | { ok: false; reason: "corrupt" | "unsupported"; message: string } {
  const hr = readBmpHeader(b);
  if (!hr.ok) return hr;
  const { width, height, bits, compression, topDown, dataOffset, headerSize } = hr.header;
  const bitfields = compression === BI_BITFIELDS || compression === BI_ALPHABITFIELDS;
  if (![1, 4, 8, 16, 24, 32].includes(bits)) return { ok: false, reason: "unsupported", message: `BMP with ${bits} bits per pixel is not supported` };
  const stride = Math.ceil((width * bits) / 32) * 4;
  if (dataOffset + stride * height > b.length) return { ok: false, reason: "corrupt", message: "BMP pixel data is truncated" };

  // Masks: explicit after the 40-byte header (BITFIELDS) or inside V4/V5 headers; defaults otherwise.
  let masks = bits === 16 ? [0x7c00, 0x03e0, 0x001f, 0] : [0x00ff0000, 0x0000ff00, 0x000000ff, 0];
  if (bitfields && b.length >= 14 + 40 + 12) {
    masks = [b.readUInt32LE(54), b.readUInt32LE(58), b.readUInt32LE(62), headerSize >= 56 || compression === BI_ALPHABITFIELDS ? b.readUInt32LE(66) : 0];
  } else if (bits === 32 && headerSize >= 108) {
    masks = [0x00ff0000, 0x0000ff00, 0x000000ff, b.readUInt32LE(66)];
  }
  const ms = masks.map(maskShift);
  const paletteEntry = headerSize === 12 ? 3 : 4;
  const palette: number[][] = [];
  if (bits <= 8) {
    const pStart = 14 + headerSize;
    const count = Math.min(1 << bits, Math.floor((dataOffset - pStart) / paletteEntry));
    for (let i = 0; i < count; i++) {
      const o = pStart + i * paletteEntry;
      palette.push([b[o + 2]!, b[o + 1]!, b[o]!]);
    }
  }
  const out = Buffer.alloc(width * height * 4);
  let hasAlpha = false;
  for (let y = 0; y < height; y++) {
    const row = dataOffset + (topDown ? y : height - 1 - y) * stride;
    for (let x = 0; x < width; x++) {
      const d = (y * width + x) * 4;
      let r = 0, g = 0, bl = 0, a = 255;
      if (bits === 24) {
        const o = row + x * 3;
        bl = b[o]!; g = b[o + 1]!; r = b[o + 2]!;
      } else if (bits === 32 || bits === 16) {
        const v = bits === 32 ? b.readUInt32LE(row + x * 4) : b.readUInt16LE(row + x * 2);
        const ch = ms.map((m, i) => (m.max ? Math.round((((v & masks[i]!) >>> m.shift) * 255) / m.max) : -1));
        r = ch[0]!; g = ch[1]!; bl = ch[2]!;
        if (ch[3]! >= 0) { a = ch[3]!; hasAlpha = true; }
      } else {
        const bitPos = x * bits;
        const byte = b[row + (bitPos >> 3)]!;
        const idx = (byte >> (8 - bits - (bitPos & 7))) & ((1 << bits) - 1);
        const c = palette[idx] ?? [0, 0, 0];
        r = c[0]!; g = c[1]!; bl = c[2]!;
      }
      out[d] = r; out[d + 1] = g; out[d + 2] = bl; out[d + 3] = a;
    }
  }
  // A 32-bit BMP whose alpha is all zero is really opaque (many writers leave it unset).
  if (hasAlpha) {
    let any = false;
    for (let i = 3; i < out.length; i += 4) if (out[i] !== 0) { any = true; break; }
    if (!any) { for (let i = 3; i < out.length; i += 4) out[i] = 255; hasAlpha = false; }
  }
  return { ok: true, data: out, width, height, hasAlpha };
}
