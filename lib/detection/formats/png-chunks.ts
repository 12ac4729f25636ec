// PNG chunk walker (PNG spec, 3rd ed., §5.3 chunk layout, §11.3 textual chunks, eXIf from the
// PNG Extensions 1.5). Lenient on purpose: metadata tools and generators write PNGs with bad CRCs
// or trailing bytes, and a forensic reader must still see what is there. CRC failures are reported
// per chunk instead of aborting the walk.
import { inflateSync } from "node:zlib";

export const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Upper bound for one inflated zTXt/iTXt payload: ComfyUI workflows are large, zip bombs larger. */
const MAX_INFLATED_BYTES = 16 * 1024 * 1024;
/** Upper bound across all chunks of one file, so many small bombs cannot add up. */
const MAX_INFLATED_TOTAL = 64 * 1024 * 1024;

export interface PngChunk {
  type: string;
  /** Byte offset of the chunk's length field in the file. */
  offset: number;
  data: Buffer;
  crcOk: boolean;
}

export interface PngTextEntry {
  /** The chunk that carried it. */
  chunk: "tEXt" | "zTXt" | "iTXt";
  keyword: string;
  text: string;
  /** iTXt only. */
  languageTag?: string;
  translatedKeyword?: string;
  compressed: boolean;
  crcOk: boolean;
  /** Set when the payload could not be decoded (bad compression); `text` is then empty. */
  error?: string;
}

export interface PngWalk {
  chunks: PngChunk[];
  text: PngTextEntry[];
  /** Raw TIFF-structured EXIF from an eXIf chunk, if any. */
  exif: Buffer | null;
  /** Chunks whose stored CRC did not match. */
  badCrc: string[];
  /** True when the walk ended before IEND (truncated or garbage). */
  truncated: boolean;
  /** Bytes after IEND (some tools append data there). */
  trailingBytes: number;
}

export function isPng(bytes: Buffer): boolean {
  return bytes.length >= 8 && bytes.subarray(0, 8).equals(PNG_SIGNATURE);
}

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32 as used by PNG (ISO 3309 / ITU-T V.42), over type + data. */
export function crc32(...parts: Buffer[]): number {
  let c = 0xffffffff;
  for (const part of parts) {
    for (let i = 0; i < part.length; i++) c = CRC_TABLE[(c ^ part[i]!) & 0xff]! ^ (c >>> 8);
  }
  return (c ^ 0xffffffff) >>> 0;
}

/** Walk all chunks. Returns null when the bytes are not a PNG. */
export function walkPng(bytes: Buffer): PngWalk | null {
  if (!isPng(bytes)) return null;
  const chunks: PngChunk[] = [];
  const text: PngTextEntry[] = [];
  const badCrc: string[] = [];
  let exif: Buffer | null = null;
  const budget = { left: MAX_INFLATED_TOTAL };
  let pos = 8;
  let sawEnd = false;
  while (pos + 12 <= bytes.length) {
    const length = bytes.readUInt32BE(pos);
    const type = bytes.toString("latin1", pos + 4, pos + 8);
    if (!/^[A-Za-z]{4}$/.test(type) || pos + 12 + length > bytes.length) break;
    const data = bytes.subarray(pos + 8, pos + 8 + length);
    const stored = bytes.readUInt32BE(pos + 8 + length);
    const crcOk = stored === crc32(bytes.subarray(pos + 4, pos + 8), data);
    if (!crcOk) badCrc.push(type);
    chunks.push({ type, offset: pos, data, crcOk });
    if (type === "tEXt" || type === "zTXt" || type === "iTXt") {
      const entry = parseTextChunk(type, data, crcOk, budget);
      if (entry) text.push(entry);
    } else if (type === "eXIf" && exif === null) {
      exif = data;
    }
    pos += 12 + length;
    if (type === "IEND") {
      sawEnd = true;
      break;
    }
  }
  return { chunks, text, exif, badCrc, truncated: !sawEnd, trailingBytes: sawEnd ? bytes.length - pos : 0 };
}

function parseTextChunk(
  type: "tEXt" | "zTXt" | "iTXt",
  data: Buffer,
  crcOk: boolean,
  budget: { left: number },
): PngTextEntry | null {
  const nul = data.indexOf(0);
  if (nul <= 0) return null;
  // Keywords are Latin-1 by spec (1–79 bytes); generators stick to ASCII.
  const keyword = data.toString("latin1", 0, nul);
  if (type === "tEXt") {
    return { chunk: type, keyword, text: data.toString("latin1", nul + 1), compressed: false, crcOk };
  }
  if (type === "zTXt") {
    // Compression method byte (0 = zlib deflate) follows the keyword's NUL.
    const inflated = inflate(data.subarray(nul + 2), budget);
    return {
      chunk: type,
      keyword,
      text: inflated.ok ? inflated.value.toString("latin1") : "",
      compressed: true,
      crcOk,
      ...(inflated.ok ? {} : { error: inflated.error }),
    };
  }
  // iTXt: keyword NUL, compression flag, compression method, language tag NUL, translated keyword NUL, text (UTF-8).
  const compressed = data[nul + 1] === 1;
  const langEnd = data.indexOf(0, nul + 3);
  if (langEnd < 0) return null;
  const transEnd = data.indexOf(0, langEnd + 1);
  if (transEnd < 0) return null;
  const languageTag = data.toString("latin1", nul + 3, langEnd);
  const translatedKeyword = data.toString("utf8", langEnd + 1, transEnd);
  const payload = data.subarray(transEnd + 1);
  const decoded = compressed ? inflate(payload, budget) : { ok: true as const, value: payload };
  return {
    chunk: type,
    keyword,
    text: decoded.ok ? decoded.value.toString("utf8") : "",
    languageTag,
    translatedKeyword,
    compressed,
    crcOk,
    ...(decoded.ok ? {} : { error: decoded.error }),
  };
}

function inflate(payload: Buffer, budget: { left: number }): { ok: true; value: Buffer } | { ok: false; error: string } {
  const limit = Math.min(MAX_INFLATED_BYTES, budget.left);
  if (limit <= 0) return { ok: false, error: "inflate budget for this file exhausted" };
  try {
    const value = inflateSync(payload, { maxOutputLength: limit });
    budget.left -= value.length;
    return { ok: true, value };
  } catch (e) {
    return { ok: false, error: e instanceof Error ? e.message : String(e) };
  }
}

/** Serialise one chunk (length, type, data, CRC). */
export function encodePngChunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, "latin1");
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(head.subarray(4, 8), data), 0);
  return Buffer.concat([head, data, crc]);
}
