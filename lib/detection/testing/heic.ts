// Real HEIC fixtures for tests, encoded by Debian's `heif-enc` (package libheif-examples: libheif + x265),
// since sharp's prebuilt libvips has no HEVC encoder. Plus two byte-level edits of heif-enc's output for
// cases heif-enc 1.15 cannot write: a rotated primary image (`irot`) and a primary that is not first.
// Nothing here is used at runtime.
import { execFile, execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

export const HEIF_ENC_MISSING = "heif-enc with an HEVC encoder is not installed (apt-get install libheif-examples)";

let available: boolean | undefined;
/** Whether `heif-enc` is on PATH and can write HEIC (some builds list no HEVC encoder). */
export function heifEncAvailable(): boolean {
  if (available === undefined) {
    try {
      const out = execFileSync("heif-enc", ["--list-encoders"], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
      available = /HEIC encoders:\s*\n\s*-/.test(out);
    } catch {
      available = false;
    }
  }
  return available;
}

export interface HeicOptions {
  /** Lossy quality 0..100 (heif-enc's default is 50). Ignored when lossless. */
  quality?: number;
  /** Lossless HEVC with 4:4:4 chroma (`-L -p chroma=444`; `-L` alone still subsamples chroma to 4:2:0). */
  lossless?: boolean;
  /** Bit depth written for 16-bit PNG input (heif-enc's default is 10). */
  bitDepth?: 8 | 10 | 12;
}

/**
 * Encode PNG(s) to HEIC with heif-enc. Several PNGs become several top-level images in one file, the
 * first one primary. Alpha in the PNG is kept as an alpha plane.
 */
export async function makeHeic(png: Buffer | Buffer[], opts: HeicOptions = {}): Promise<Buffer> {
  if (!heifEncAvailable()) throw new Error(HEIF_ENC_MISSING);
  const dir = mkdtempSync(path.join(tmpdir(), "loupe-heic-"));
  try {
    const inputs = (Array.isArray(png) ? png : [png]).map((b, i) => {
      const f = path.join(dir, `in${i}.png`);
      writeFileSync(f, b);
      return f;
    });
    const args = opts.lossless ? ["-L", "-p", "chroma=444"] : ["-q", String(opts.quality ?? 90)];
    if (opts.bitDepth) args.push("-b", String(opts.bitDepth));
    const out = path.join(dir, "out.heic");
    await run("heif-enc", [...args, "-o", out, ...inputs]);
    return readFileSync(out);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---- byte-level edits (ISO/IEC 14496-12 boxes; HEIF items and properties: ISO/IEC 23008-12 §9) ----

interface Box {
  type: string;
  start: number;
  body: number;
  end: number;
}

function children(b: Buffer, start: number, end: number): Box[] {
  const out: Box[] = [];
  for (let o = start; o + 8 <= end; ) {
    const size = b.readUInt32BE(o);
    if (size < 8) throw new Error("unexpected box size in heif-enc output");
    out.push({ type: b.toString("latin1", o + 4, o + 8), start: o, body: o + 8, end: o + size });
    o += size;
  }
  return out;
}

function one(list: Box[], type: string): Box {
  const box = list.find((x) => x.type === type);
  if (!box) throw new Error(`no ${type} box`);
  return box;
}

function layout(heic: Buffer) {
  const meta = one(children(heic, 0, heic.length), "meta");
  const inMeta = children(heic, meta.body + 4, meta.end);
  const iprp = one(inMeta, "iprp");
  const inIprp = children(heic, iprp.body, iprp.end);
  return { meta, pitm: one(inMeta, "pitm"), iloc: one(inMeta, "iloc"), iprp, ipco: one(inIprp, "ipco"), ipma: one(inIprp, "ipma") };
}

/** The primary item's id (`pitm`). */
export function primaryItem(heic: Buffer): number {
  const { pitm } = layout(heic);
  return heic[pitm.body] === 0 ? heic.readUInt16BE(pitm.body + 4) : heic.readUInt32BE(pitm.body + 4);
}

/** Item ids that carry an `ispe` of this size (to find a given image of a multi-image file). */
export function itemsOfSize(heic: Buffer, width: number, height: number): number[] {
  const { ipco, ipma } = layout(heic);
  const props = children(heic, ipco.body, ipco.end);
  return readIpma(heic, ipma)
    .filter((e) => e.assoc.some((a) => {
      const p = props[(a & 0x7f) - 1];
      return p?.type === "ispe" && heic.readUInt32BE(p.body + 4) === width && heic.readUInt32BE(p.body + 8) === height;
    }))
    .map((e) => e.item);
}

/** Point `pitm` at another item (same size, so nothing else moves). */
export function withPrimaryItem(heic: Buffer, item: number): Buffer {
  const out = Buffer.from(heic);
  const { pitm } = layout(out);
  if (out[pitm.body] === 0) out.writeUInt16BE(item, pitm.body + 4);
  else out.writeUInt32BE(item, pitm.body + 4);
  return out;
}

function readIpma(b: Buffer, ipma: Box): { item: number; assoc: number[] }[] {
  const version = b[ipma.body]!;
  if (b[ipma.body + 3]! & 1) throw new Error("16-bit ipma indices are not handled");
  let o = ipma.body + 4;
  const n = b.readUInt32BE(o);
  o += 4;
  const entries = [];
  for (let i = 0; i < n; i++) {
    const item = version < 1 ? b.readUInt16BE(o) : b.readUInt32BE(o);
    o += version < 1 ? 2 : 4;
    const count = b[o++]!;
    entries.push({ item, assoc: [...b.subarray(o, o + count)] });
    o += count;
  }
  return entries;
}

/**
 * Rotate the primary image by `quarterTurns` × 90° anticlockwise: appends an `irot` property (§6.5.10) to
 * `ipco`, associates it (essential) with the primary item in `ipma`, and moves the file offsets in `iloc`
 * by the bytes inserted (heif-enc writes `mdat` after `meta`).
 */
export function withRotation(heic: Buffer, quarterTurns: 1 | 2 | 3): Buffer {
  const { meta, iloc, iprp, ipco, ipma } = layout(heic);
  const primary = primaryItem(heic);
  const index = children(heic, ipco.body, ipco.end).length + 1;
  if (index > 127) throw new Error("too many properties for 8-bit ipma indices");
  const irot = Buffer.from([0, 0, 0, 9, ...Buffer.from("irot", "latin1"), quarterTurns]);

  const version = heic[ipma.body]!;
  const entries = readIpma(heic, ipma);
  const entry = entries.find((e) => e.item === primary);
  if (!entry) throw new Error("primary item has no properties");
  entry.assoc.push(0x80 | index);
  const parts = [heic.subarray(ipma.start, ipma.body + 8)]; // header, version/flags, entry_count
  for (const e of entries) {
    const id = Buffer.alloc(version < 1 ? 2 : 4);
    if (version < 1) id.writeUInt16BE(e.item);
    else id.writeUInt32BE(e.item);
    parts.push(id, Buffer.from([e.assoc.length, ...e.assoc]));
  }
  const newIpma = Buffer.concat(parts);
  newIpma.writeUInt32BE(newIpma.length, 0);

  const grow = irot.length + newIpma.length - (ipma.end - ipma.start);
  const mdat = children(heic, 0, heic.length).find((x) => x.type === "mdat");
  if (!mdat || mdat.start < meta.end || ipma.start < ipco.end) throw new Error("unexpected box order");
  const out = Buffer.concat([
    heic.subarray(0, ipco.end),
    irot,
    heic.subarray(ipco.end, ipma.start),
    newIpma,
    heic.subarray(ipma.end),
  ]);
  for (const box of [meta, iprp]) out.writeUInt32BE(box.end - box.start + grow, box.start);
  out.writeUInt32BE(ipco.end - ipco.start + irot.length, ipco.start);
  // iloc sits before iprp, so its own position is unchanged.
  shiftIlocOffsets(out, iloc, grow);
  return out;
}

/** Add `delta` to every file offset in `iloc` (§8.11.3 of 14496-12; construction_method 0 only). */
function shiftIlocOffsets(b: Buffer, iloc: Box, delta: number): void {
  const version = b[iloc.body]!;
  let o = iloc.body + 4;
  const offsetSize = b[o]! >> 4;
  const lengthSize = b[o]! & 15;
  const baseSize = b[o + 1]! >> 4;
  const indexSize = version >= 1 ? b[o + 1]! & 15 : 0;
  o += 2;
  const count = version < 2 ? b.readUInt16BE(o) : b.readUInt32BE(o);
  o += version < 2 ? 2 : 4;
  const add = (at: number, size: number) => {
    if (size === 4) b.writeUInt32BE(b.readUInt32BE(at) + delta, at);
    else if (size === 8) b.writeBigUInt64BE(b.readBigUInt64BE(at) + BigInt(delta), at);
  };
  for (let i = 0; i < count; i++) {
    o += version < 2 ? 2 : 4; // item_ID
    const method = version >= 1 ? b.readUInt16BE(o) & 15 : 0;
    if (version >= 1) o += 2;
    o += 2; // data_reference_index
    const baseAt = o;
    o += baseSize;
    const extents = b.readUInt16BE(o);
    o += 2;
    // A file offset is base_offset + extent_offset: move the base when there is one, else each extent.
    if (method === 0 && baseSize > 0) add(baseAt, baseSize);
    for (let e = 0; e < extents; e++) {
      o += indexSize;
      if (method === 0 && baseSize === 0) add(o, offsetSize);
      o += offsetSize + lengthSize;
    }
  }
}
