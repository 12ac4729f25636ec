// Malformed and hostile files, made by the project's own code, for the hostile-input suite: each must
// end in a stable 4xx code or a scanned case, never a 5xx, a crash or a hang. Odd but valid images
// (`expect: "accept"`) must be accepted.
import { deflateSync } from "node:zlib";
import sharp from "sharp";
import { makeAnimatedGif, makeAvif, makeBmp, makeCmykJpeg, makeJpeg, makePng, makeRotatedJpeg, makeTiff, makeWebp, makePixels, rng } from "./fixtures";
import { crc32 } from "../png";

export interface HostileFile {
  name: string;
  bytes: Buffer;
  /** "accept": a valid image that must be scanned; "refuse": must get a 4xx code; "either": 4xx or accepted. */
  expect: "accept" | "refuse" | "either";
}

function pngChunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, "latin1"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body) >>> 0);
  return Buffer.concat([len, body, crc]);
}

/** A PNG whose IHDR claims `w`×`h` with a tiny IDAT: a dimension bomb. */
function pngBomb(w: number, h: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8;
  ihdr[9] = 2;
  const idat = deflateSync(Buffer.alloc(1024));
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), pngChunk("IHDR", ihdr), pngChunk("IDAT", idat), pngChunk("IEND", Buffer.alloc(0))]);
}

/** A JPEG whose SOF claims `w`×`h`. */
function jpegWithSize(jpeg: Buffer, w: number, h: number): Buffer {
  const out = Buffer.from(jpeg);
  for (let i = 2; i < out.length - 9; i++) {
    if (out[i] === 0xff && (out[i + 1] === 0xc0 || out[i + 1] === 0xc2)) {
      out.writeUInt16BE(h, i + 5);
      out.writeUInt16BE(w, i + 7);
      return out;
    }
  }
  return out;
}

/** A GIF whose logical screen and first image descriptor claim `w`×`h`. */
function gifWithSize(gif: Buffer, w: number, h: number): Buffer {
  const out = Buffer.from(gif);
  out.writeUInt16LE(w, 6);
  out.writeUInt16LE(h, 8);
  const desc = out.indexOf(0x2c, 13);
  if (desc > 0 && desc + 9 < out.length) {
    out.writeUInt16LE(w, desc + 5);
    out.writeUInt16LE(h, desc + 7);
  }
  return out;
}

/** A little-endian TIFF with one IFD whose next-IFD offset points back at itself (an IFD loop). */
function tiffLoop(): Buffer {
  const b = Buffer.alloc(8 + 2 + 12 * 3 + 4);
  b.write("II*\0", 0, "latin1");
  b.writeUInt32LE(8, 4);
  b.writeUInt16LE(3, 8);
  const entry = (i: number, tag: number, value: number) => {
    const o = 10 + i * 12;
    b.writeUInt16LE(tag, o);
    b.writeUInt16LE(3, o + 2);
    b.writeUInt32LE(1, o + 4);
    b.writeUInt16LE(value, o + 8);
  };
  entry(0, 256, 64);
  entry(1, 257, 64);
  entry(2, 259, 1);
  b.writeUInt32LE(8, 10 + 36);
  return b;
}

/** An APP1 EXIF segment whose IFD0 points its next-IFD offset at itself, inserted after SOI. */
function jpegWithExifLoop(jpeg: Buffer): Buffer {
  const tiff = Buffer.alloc(8 + 2 + 12 + 4);
  tiff.write("MM\0*", 0, "latin1");
  tiff.writeUInt32BE(8, 4);
  tiff.writeUInt16BE(1, 8);
  tiff.writeUInt16BE(0x0112, 10); // Orientation
  tiff.writeUInt16BE(3, 12);
  tiff.writeUInt32BE(1, 14);
  tiff.writeUInt16BE(1, 18);
  tiff.writeUInt32BE(8, 22); // next IFD = IFD0 again
  const payload = Buffer.concat([Buffer.from("Exif\0\0", "latin1"), tiff]);
  const seg = Buffer.alloc(4);
  seg.writeUInt16BE(0xffe1, 0);
  seg.writeUInt16BE(payload.length + 2, 2);
  return Buffer.concat([jpeg.subarray(0, 2), seg, payload, jpeg.subarray(2)]);
}

/** A JPEG carrying an APP2 ICC profile segment chain of `segments` × ~64 kB of junk. */
function jpegWithHugeIcc(jpeg: Buffer, segments: number): Buffer {
  const parts: Buffer[] = [jpeg.subarray(0, 2)];
  for (let i = 0; i < segments; i++) {
    const body = Buffer.concat([Buffer.from("ICC_PROFILE\0", "latin1"), Buffer.from([i + 1, segments]), Buffer.alloc(65000, 0x41)]);
    const head = Buffer.alloc(4);
    head.writeUInt16BE(0xffe2, 0);
    head.writeUInt16BE(body.length + 2, 2);
    parts.push(head, body);
  }
  parts.push(jpeg.subarray(2));
  return Buffer.concat(parts);
}

/** A JPEG with an XMP packet of `kb` kilobytes (within one APP1 segment's 64 kB where it fits). */
function jpegWithXmp(jpeg: Buffer, kb: number): Buffer {
  const packet = `<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description>${"<a>&amp;</a>".repeat(Math.floor((kb * 1024) / 12))}</rdf:Description></rdf:RDF></x:xmpmeta>`;
  const body = Buffer.concat([Buffer.from("http://ns.adobe.com/xap/1.0/\0", "latin1"), Buffer.from(packet.slice(0, 65000), "utf8")]);
  const head = Buffer.alloc(4);
  head.writeUInt16BE(0xffe1, 0);
  head.writeUInt16BE(body.length + 2, 2);
  return Buffer.concat([jpeg.subarray(0, 2), head, body, jpeg.subarray(2)]);
}

function flipBits(bytes: Buffer, seed: number, from: number, to: number, n: number): Buffer {
  const out = Buffer.from(bytes);
  const r = rng(seed);
  for (let i = 0; i < n; i++) {
    const at = from + Math.floor(r() * Math.max(1, Math.min(to, out.length) - from));
    out[at] = out[at]! ^ (1 << Math.floor(r() * 8));
  }
  return out;
}

/** At least 200 hostile files and odd-but-valid images, deterministic. */
export async function makeHostileFiles(): Promise<HostileFile[]> {
  const files: HostileFile[] = [];
  const add = (name: string, bytes: Buffer, expect: HostileFile["expect"]) => files.push({ name, bytes, expect });

  const valid: Record<string, Buffer> = {
    jpg: await makeJpeg({ width: 160, height: 120, seed: 1 }),
    png: await makePng({ width: 160, height: 120, seed: 2 }),
    webp: await makeWebp({ width: 160, height: 120, seed: 3 }),
    gif: await makeAnimatedGif({ width: 64, height: 48, seed: 4 }),
    tiff: await makeTiff({ width: 160, height: 120, seed: 5 }),
    bmp: makeBmp({ width: 160, height: 120, seed: 6 }),
    avif: await makeAvif({ width: 160, height: 120, seed: 7 }),
  };

  // Truncations at many offsets of every format (a few bytes in, the header, mid-data, near the end).
  for (const [ext, bytes] of Object.entries(valid)) {
    for (const frac of [0.02, 0.05, 0.1, 0.2, 0.35, 0.5, 0.65, 0.8, 0.9, 0.97]) {
      add(`trunc-${ext}-${Math.round(frac * 100)}.${ext}`, bytes.subarray(0, Math.max(2, Math.floor(bytes.length * frac))), "either");
    }
    for (const cut of [1, 3, 8, 16, 32]) add(`trunc-${ext}-first${cut}.${ext}`, bytes.subarray(0, cut), "refuse");
  }
  // Bit flips in headers and in data.
  for (const [ext, bytes] of Object.entries(valid)) {
    for (let s = 0; s < 6; s++) add(`flip-head-${ext}-${s}.${ext}`, flipBits(bytes, 100 + s, 0, 64, 3), "either");
    for (let s = 0; s < 3; s++) add(`flip-data-${ext}-${s}.${ext}`, flipBits(bytes, 200 + s, 64, bytes.length, 20), "either");
  }
  // Dimension bombs.
  for (const [w, h] of [[100_000, 100_000], [65_535, 65_535], [8193, 1], [1, 1_000_000], [30_000, 30_000]] as const) {
    add(`bomb-png-${w}x${h}.png`, pngBomb(w, h), "refuse");
    add(`bomb-jpeg-${w}x${h}.jpg`, jpegWithSize(valid.jpg!, Math.min(w, 65535), Math.min(h, 65535)), "refuse");
    add(`bomb-gif-${w}x${h}.gif`, gifWithSize(valid.gif!, Math.min(w, 65535), Math.min(h, 65535)), "either");
  }
  add("bomb-webp-16383.webp", await sharp({ create: { width: 16383, height: 16, channels: 3, background: "#808080" } }).webp({ quality: 10 }).toBuffer(), "refuse");
  add("bomb-tiff-9000.tiff", await sharp({ create: { width: 9000, height: 8, channels: 3, background: "#000" } }).tiff({ compression: "deflate" }).toBuffer(), "refuse");
  // Polyglots and things that are not images at all.
  const zip = Buffer.concat([Buffer.from("PK\x03\x04", "latin1"), Buffer.alloc(200, 1)]);
  add("zip.png", zip, "refuse");
  add("jpeg-then-zip.jpg", Buffer.concat([valid.jpg!, zip]), "either");
  add("png-then-zip.png", Buffer.concat([valid.png!, zip]), "either");
  add("html.jpg", Buffer.from("<!doctype html><script>alert(1)</script>"), "refuse");
  add("html-after-gif.gif", Buffer.concat([valid.gif!, Buffer.from("<script>alert(1)</script>")]), "either");
  add("pdf.png", Buffer.from("%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF"), "refuse");
  add("pdf-with-jpeg-magic.jpg", Buffer.concat([Buffer.from([0xff, 0xd8, 0xff]), Buffer.from("%PDF-1.7 junk")]), "refuse");
  add("svg-script.svg", Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'), "refuse");
  add("svg-as-png.png", Buffer.from('<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'), "refuse");
  add("empty.jpg", Buffer.alloc(0), "refuse");
  add("one-byte.png", Buffer.from([0x89]), "refuse");
  add("nul-bytes.webp", Buffer.alloc(4096), "refuse");
  add("random.bin", Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) & 0xff)), "refuse");
  add("riff-not-webp.webp", Buffer.concat([Buffer.from("RIFF\x10\0\0\0WAVEfmt ", "latin1"), Buffer.alloc(64)]), "refuse");
  add("ftyp-mp4.heic", Buffer.concat([Buffer.from("\0\0\0\x18ftypisom\0\0\x02\0isomiso2", "latin1"), Buffer.alloc(64)]), "refuse");
  add("ftyp-heic-empty.heic", Buffer.concat([Buffer.from("\0\0\0\x18ftypheic\0\0\0\0mif1heic", "latin1"), Buffer.alloc(32)]), "refuse");
  add("bmp-header-only.bmp", valid.bmp!.subarray(0, 54), "refuse");
  // EXIF and IFD loops, huge ICC profiles and XMP.
  add("tiff-ifd-loop.tiff", tiffLoop(), "either");
  add("jpeg-exif-loop.jpg", jpegWithExifLoop(valid.jpg!), "either");
  add("jpeg-icc-1mb.jpg", jpegWithHugeIcc(valid.jpg!, 16), "either");
  add("jpeg-icc-4mb.jpg", jpegWithHugeIcc(valid.jpg!, 64), "either");
  add("jpeg-xmp-60k.jpg", jpegWithXmp(valid.jpg!, 60), "either");
  // Many frames: a 5 000-frame GIF (only the first frame is analysed).
  add("gif-5000-frames.gif", await makeAnimatedGif({ width: 8, height: 8, frames: 5000, seed: 9 }), "either");
  // Wrong extensions and types: valid images under other names must be accepted (typed by magic bytes).
  for (const [ext, bytes] of Object.entries(valid)) add(`really-${ext}.txt`, bytes, "accept");
  add("png-named.jpg", valid.png!, "accept");
  add("jpeg-named.heic", valid.jpg!, "accept");
  // Odd but valid images.
  add("cmyk.jpg", await makeCmykJpeg({ width: 96, height: 64, seed: 11 }), "accept");
  add("grey16.png", await sharp(Buffer.from(new Uint16Array(64 * 48).map((_, i) => (i * 997) & 0xffff).buffer), { raw: { width: 64, height: 48, channels: 1 } }).toColourspace("grey16").png().toBuffer(), "accept");
  add("alpha.png", await makePng({ width: 96, height: 64, seed: 12, channels: 4 }), "accept");
  add("1x1.png", await sharp({ create: { width: 1, height: 1, channels: 3, background: "#123456" } }).png().toBuffer(), "accept");
  add("1x1.jpg", await sharp({ create: { width: 1, height: 1, channels: 3, background: "#123456" } }).jpeg().toBuffer(), "accept");
  add("rotated-6.jpg", await makeRotatedJpeg({ width: 96, height: 64, seed: 13, orientation: 6 }), "accept");
  add("rotated-8.jpg", await makeRotatedJpeg({ width: 96, height: 64, seed: 14, orientation: 8 }), "accept");
  add("animated.webp", await sharp(makePixels({ width: 32, height: 96, seed: 15, channels: 4 }).data, { raw: { width: 32, height: 96, channels: 4, pageHeight: 32 } }).webp({ loop: 0 }).toBuffer(), "accept");
  add("progressive.jpg", await sharp(valid.png!).jpeg({ progressive: true }).toBuffer(), "accept");
  add("bmp32.bmp", makeBmp({ width: 33, height: 17, seed: 16, bits: 32 }), "accept");
  add("lossless.webp", await makeWebp({ width: 64, height: 64, seed: 17, lossless: true }), "accept");
  for (const [ext, bytes] of Object.entries(valid)) add(`valid.${ext}`, bytes, "accept");
  return files;
}

/** Control characters in every text field of an upload: each must be refused with invalid_request. */
export const HOSTILE_TEXT = ["a\u0000b", "\u0000", "x\u0001y", "tab\u000bvertical", "esc\u001b[31m", "del\u007f"];
