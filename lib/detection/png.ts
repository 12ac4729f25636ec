// A minimal PNG writer for heatmaps: 8-bit palette images (colour type 3, PNG spec §11.2.3) with an
// optional tRNS chunk for per-colour alpha. A heatmap has at most 256 colours, so one byte a pixel
// instead of three or four, and rows that repeat the previous row (nearest-neighbour upscaling) are
// written with the Up filter, i.e. as zeros. Done in process with node:zlib, no libvips pipeline.
import zlib from "node:zlib";
import { orientGrid } from "./orientation";

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** CRC-32 (ISO-HDLC, the PNG chunk checksum) by table; zlib.crc32 needs Node ≥ 20.15 and we support 20.9. */
const CRC_TABLE = Int32Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c;
});

export function crc32(bytes: Uint8Array): number {
  let c = -1;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, "latin1");
  out.set(data, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

/** A 256-entry colour map: RGB triplets and, optionally, an alpha per entry. */
export interface Palette {
  rgb: Uint8Array;
  alpha?: Uint8Array;
}

/** Palette of `f(i / 255)` for i = 0..255. */
export function makePalette(f: (v: number) => [number, number, number] | [number, number, number, number]): Palette {
  const rgb = new Uint8Array(768);
  let alpha: Uint8Array | undefined;
  for (let i = 0; i < 256; i++) {
    const c = f(i / 255);
    rgb.set(c.slice(0, 3), 3 * i);
    if (c.length === 4) (alpha ??= new Uint8Array(256).fill(255))[i] = c[3];
  }
  return { rgb, alpha };
}

/**
 * A grid of palette indices (`cells`, `cols` wide, row-major) mapped to a PNG of colOf.length ×
 * rowOf.length pixels: pixel (x, y) shows cells[rowOf[y] · cols + colOf[x]] (nearest-neighbour
 * upscaling, or identity maps for a full-resolution image). An output row whose source row equals the
 * previous one is written with the Up filter (all zeros), so an upscaled grid costs little more than
 * the grid itself.
 */
export function encodeIndexedPng(
  gridCells: Uint8Array,
  gridCols: number,
  gridColOf: Int32Array,
  gridRowOf: Int32Array,
  palette: Palette,
  /** EXIF orientation of the analysed image: the PNG comes out in display orientation. */
  orientation?: number,
): Buffer {
  const { cells, cols, colOf, rowOf } = orientGrid(gridCells, gridCols, gridColOf, gridRowOf, orientation);
  const width = colOf.length;
  const height = rowOf.length;
  if (width < 1 || height < 1) throw new Error(`empty image ${width}x${height}`);
  for (const c of colOf) if (c < 0 || c >= cols) throw new Error(`column index ${c} outside 0..${cols - 1}`);
  for (const r of rowOf) if (r < 0 || (r + 1) * cols > cells.length) throw new Error(`row index ${r} outside the grid`);
  const raw = Buffer.alloc((width + 1) * height); // zero-filled: Up rows need only their filter byte
  for (let y = 0; y < height; y++) {
    const o = y * (width + 1);
    if (y > 0 && rowOf[y] === rowOf[y - 1]) {
      raw[o] = 2; // Up: every byte equals the one above
      continue;
    }
    const src = rowOf[y]! * cols;
    for (let x = 0; x < width; x++) raw[o + 1 + x] = cells[src + colOf[x]!]!;
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 3; // colour type: palette
  const parts = [SIGNATURE, chunk("IHDR", ihdr), chunk("PLTE", palette.rgb)];
  if (palette.alpha) parts.push(chunk("tRNS", palette.alpha));
  // Run-length matching only: heatmap rows are runs of one index and Up rows are all zeros, which
  // Z_RLE finds at ~60 % of level 1's cost, and the files come out a little smaller.
  parts.push(chunk("IDAT", zlib.deflateSync(raw, { level: 1, strategy: zlib.constants.Z_RLE })), chunk("IEND", new Uint8Array(0)));
  return Buffer.concat(parts);
}

/** Identity index map 0..n−1 (a full-resolution axis). */
export function identityMap(n: number): Int32Array {
  return Int32Array.from({ length: n }, (_, i) => i);
}

/** Nearest-neighbour map from `out` output pixels to `cells` grid cells along one axis. */
export function nearestMap(cells: number, out: number): Int32Array {
  return Int32Array.from({ length: out }, (_, i) => Math.min(cells - 1, Math.floor(((i + 0.5) * cells) / out)));
}
