// Test-only writers for JPEG metadata the provenance tests need and sharp cannot produce: a TIFF/EXIF
// block with an IFD1 thumbnail (EXIF 2.32 §4.5.4), XMP incl. extended XMP (XMP Specification Part 3
// §1.1.3.1), Photoshop APP13 IPTC-IIM records, and COM segments.
import { createHash } from "node:crypto";

export type TiffValue =
  | { type: "ascii"; value: string }
  | { type: "short"; value: number[] }
  | { type: "long"; value: number[] }
  | { type: "rational"; value: [number, number][] }
  | { type: "undefined"; value: Buffer };

export type TiffEntries = Record<number, TiffValue>;

const TYPE_CODE = { ascii: 2, short: 3, long: 4, rational: 5, undefined: 7 } as const;

function encodeValue(v: TiffValue): Buffer {
  switch (v.type) {
    case "ascii":
      return Buffer.from(`${v.value}\0`, "latin1");
    case "short": {
      const b = Buffer.alloc(2 * v.value.length);
      v.value.forEach((x, i) => b.writeUInt16LE(x, 2 * i));
      return b;
    }
    case "long": {
      const b = Buffer.alloc(4 * v.value.length);
      v.value.forEach((x, i) => b.writeUInt32LE(x, 4 * i));
      return b;
    }
    case "rational": {
      const b = Buffer.alloc(8 * v.value.length);
      v.value.forEach(([n, d], i) => {
        b.writeUInt32LE(n, 8 * i);
        b.writeUInt32LE(d, 8 * i + 4);
      });
      return b;
    }
    case "undefined":
      return v.value;
  }
}

function countOf(v: TiffValue, bytes: Buffer): number {
  if (v.type === "ascii" || v.type === "undefined") return bytes.length;
  return v.value.length;
}

function ifdSize(entries: TiffEntries): number {
  let size = 2 + 12 * Object.keys(entries).length + 4;
  for (const v of Object.values(entries)) {
    const n = encodeValue(v).length;
    if (n > 4) size += n + (n & 1);
  }
  return size;
}

function writeIfd(entries: TiffEntries, start: number, next: number): Buffer {
  const tags = Object.keys(entries).map(Number).sort((a, b) => a - b);
  const out = Buffer.alloc(ifdSize(entries));
  out.writeUInt16LE(tags.length, 0);
  let data = 2 + 12 * tags.length + 4;
  tags.forEach((tag, i) => {
    const v = entries[tag]!;
    const bytes = encodeValue(v);
    const o = 2 + 12 * i;
    out.writeUInt16LE(tag, o);
    out.writeUInt16LE(TYPE_CODE[v.type], o + 2);
    out.writeUInt32LE(countOf(v, bytes), o + 4);
    if (bytes.length <= 4) bytes.copy(out, o + 8);
    else {
      out.writeUInt32LE(start + data, o + 8);
      bytes.copy(out, data);
      data += bytes.length + (bytes.length & 1);
    }
  });
  out.writeUInt32LE(next, 2 + 12 * tags.length);
  return out;
}

export interface ExifSpec {
  ifd0?: TiffEntries;
  exif?: TiffEntries;
  gps?: TiffEntries;
  /** JPEG bytes stored as the IFD1 thumbnail. */
  thumbnail?: Buffer;
}

/** A little-endian TIFF block ("II*\0") as carried by JPEG APP1 "Exif\0\0" or PNG eXIf. */
export function buildTiff(spec: ExifSpec): Buffer {
  const ifd0: TiffEntries = { ...(spec.ifd0 ?? {}) };
  // Placeholders so sizes are final before offsets are known.
  if (spec.exif) ifd0[0x8769] = { type: "long", value: [0] };
  if (spec.gps) ifd0[0x8825] = { type: "long", value: [0] };
  const ifd1: TiffEntries | null = spec.thumbnail
    ? { 0x0103: { type: "short", value: [6] }, 0x0201: { type: "long", value: [0] }, 0x0202: { type: "long", value: [spec.thumbnail.length] } }
    : null;
  const o0 = 8;
  const oExif = o0 + ifdSize(ifd0);
  const oGps = oExif + (spec.exif ? ifdSize(spec.exif) : 0);
  const o1 = oGps + (spec.gps ? ifdSize(spec.gps) : 0);
  const oThumb = o1 + (ifd1 ? ifdSize(ifd1) : 0);
  if (spec.exif) ifd0[0x8769] = { type: "long", value: [oExif] };
  if (spec.gps) ifd0[0x8825] = { type: "long", value: [oGps] };
  if (ifd1) ifd1[0x0201] = { type: "long", value: [oThumb] };
  const header = Buffer.from([0x49, 0x49, 0x2a, 0x00, 0x08, 0x00, 0x00, 0x00]);
  return Buffer.concat([
    header,
    writeIfd(ifd0, o0, ifd1 ? o1 : 0),
    spec.exif ? writeIfd(spec.exif, oExif, 0) : Buffer.alloc(0),
    spec.gps ? writeIfd(spec.gps, oGps, 0) : Buffer.alloc(0),
    ifd1 ? writeIfd(ifd1, o1, 0) : Buffer.alloc(0),
    spec.thumbnail ?? Buffer.alloc(0),
  ]);
}

/** EXIF UserComment with the "UNICODE\0" charset prefix (UTF-16BE, as piexif writes for A1111). */
export function unicodeUserComment(text: string): TiffValue {
  const le = Buffer.from(text, "utf16le");
  const be = Buffer.alloc(le.length);
  for (let i = 0; i + 1 < le.length; i += 2) {
    be[i] = le[i + 1]!;
    be[i + 1] = le[i]!;
  }
  return { type: "undefined", value: Buffer.concat([Buffer.from("UNICODE\0", "latin1"), be]) };
}

function segment(marker: number, payload: Buffer): Buffer {
  if (payload.length + 2 > 0xffff) throw new Error("segment too large");
  const head = Buffer.from([0xff, marker, 0, 0]);
  head.writeUInt16BE(payload.length + 2, 2);
  return Buffer.concat([head, payload]);
}

export const exifSegment = (tiff: Buffer) => segment(0xe1, Buffer.concat([Buffer.from("Exif\0\0", "latin1"), tiff]));

export const xmpSegment = (packet: string) =>
  segment(0xe1, Buffer.concat([Buffer.from("http://ns.adobe.com/xap/1.0/\0", "latin1"), Buffer.from(packet, "utf8")]));

/**
 * Extended XMP: the main packet names the extension's GUID (MD5 of the full extended packet, hex
 * uppercase) in xmpNote:HasExtendedXMP; the extension is split into chunks with offsets.
 */
export function extendedXmpSegments(mainPacketWithoutNote: (guid: string) => string, extended: string, chunk = 20000): Buffer[] {
  const full = Buffer.from(extended, "utf8");
  const guid = createHash("md5").update(full).digest("hex").toUpperCase();
  const segs = [xmpSegment(mainPacketWithoutNote(guid))];
  for (let off = 0; off < full.length; off += chunk) {
    const head = Buffer.alloc(8);
    head.writeUInt32BE(full.length, 0);
    head.writeUInt32BE(off, 4);
    segs.push(
      segment(
        0xe1,
        Buffer.concat([Buffer.from("http://ns.adobe.com/xmp/extension/\0", "latin1"), Buffer.from(guid, "latin1"), head, full.subarray(off, off + chunk)]),
      ),
    );
  }
  return segs;
}

/** APP13 "Photoshop 3.0" with one 8BIM 0x0404 resource holding IPTC-IIM record 2 datasets. */
export function iptcSegment(records: { dataset: number; value: string }[]): Buffer {
  const iim = Buffer.concat(
    records.map(({ dataset, value }) => {
      const v = Buffer.from(value, "utf8");
      const h = Buffer.from([0x1c, 2, dataset, 0, 0]);
      h.writeUInt16BE(v.length, 3);
      return Buffer.concat([h, v]);
    }),
  );
  const res = Buffer.alloc(12);
  res.write("8BIM", 0, "latin1");
  res.writeUInt16BE(0x0404, 4);
  // Empty Pascal name padded to even length (2 bytes), then the size.
  res.writeUInt32BE(iim.length, 8);
  const pad = iim.length & 1 ? Buffer.alloc(1) : Buffer.alloc(0);
  return segment(0xed, Buffer.concat([Buffer.from("Photoshop 3.0\0", "latin1"), res, iim, pad]));
}

export const comSegment = (text: string) => segment(0xfe, Buffer.from(text, "utf8"));

/** Insert segments right after SOI. */
export function insertJpegSegments(jpeg: Buffer, segments: Buffer[]): Buffer {
  if (jpeg[0] !== 0xff || jpeg[1] !== 0xd8) throw new Error("not a JPEG");
  return Buffer.concat([jpeg.subarray(0, 2), ...segments, jpeg.subarray(2)]);
}

/** A complete XMP packet with one rdf:Description (attributes are XML-escaped). */
export function xmpPacket(namespaces: Record<string, string>, attrs: Record<string, string>, children = ""): string {
  const esc = (v: string) => v.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/"/g, "&quot;");
  const ns = Object.entries(namespaces)
    .map(([p, uri]) => ` xmlns:${p}="${uri}"`)
    .join("");
  const at = Object.entries(attrs)
    .map(([k, v]) => ` ${k}="${esc(v)}"`)
    .join("");
  return `<?xpacket begin="\uFEFF" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about=""${ns}${at}>${children}</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>`;
}
