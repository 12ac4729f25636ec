// Collects every metadata container of an image into one plain structure for the metadata signal:
// EXIF (via exifr, from the raw TIFF block), XMP packets (standard + reassembled extended XMP),
// IPTC-IIM, and free-text fields (PNG text chunks, JPEG COM, EXIF comments). JPEG and PNG are walked
// with the project's own parsers (formats/jpeg-markers.ts, formats/png-chunks.ts); other formats get
// their EXIF/XMP/IPTC blocks from libvips through sharp.
import exifr from "exifr";
import sharp from "sharp";
import { appIdentifier, walkJpeg } from "../formats/jpeg-markers";
import { walkPng } from "../formats/png-chunks";
import { parseIptc, type IptcRecord } from "./iptc";

export interface TextEntry {
  /** Where it came from, e.g. "png:tEXt", "jpeg:COM", "exif:UserComment". */
  source: string;
  key: string;
  value: string;
}

export interface CollectedMetadata {
  /** EXIF IFD0 + Exif IFD tags by exifr name (raw numbers, not translated). */
  exif: Record<string, unknown>;
  gps: Record<string, unknown>;
  /** The IFD1 thumbnail JPEG, if any. */
  thumbnail: Buffer | null;
  /** Complete XMP packets (an extended-XMP body is appended as its own packet). */
  xmp: string[];
  iptc: IptcRecord[];
  texts: TextEntry[];
  /** A C2PA manifest store (JPEG APP11 JUMBF, PNG caBX) is embedded; the c2pa signal reads it. */
  c2pa: boolean;
  /** Which containers were present, for the evidence panel. */
  containers: string[];
  warnings: string[];
}

const XMP_ID = "http://ns.adobe.com/xap/1.0/";
const XMP_EXT_ID = "http://ns.adobe.com/xmp/extension/";
/** Guard against hostile extended-XMP length fields. */
const MAX_EXTENDED_XMP = 16 * 1024 * 1024;

export async function collectMetadata(bytes: Buffer, format: string): Promise<CollectedMetadata> {
  const out: CollectedMetadata = {
    exif: {},
    gps: {},
    thumbnail: null,
    xmp: [],
    iptc: [],
    texts: [],
    c2pa: false,
    containers: [],
    warnings: [],
  };
  let tiff: Buffer | null = null;

  if (format === "jpeg") {
    const walk = walkJpeg(bytes);
    if (walk.error) out.warnings.push(`JPEG walk: ${walk.error}`);
    const extended = new Map<string, { total: number; parts: Map<number, Buffer> }>();
    for (const seg of walk.segments) {
      if (seg.name === "APP1") {
        const id = appIdentifier(seg);
        if (id === "Exif" && !tiff) tiff = seg.data.subarray(6);
        else if (id === XMP_ID) out.xmp.push(seg.data.subarray(XMP_ID.length + 1).toString("utf8"));
        else if (id === XMP_EXT_ID) {
          // GUID (32 ASCII hex), full length (u32 BE), offset (u32 BE), then this chunk's bytes.
          const body = seg.data.subarray(XMP_EXT_ID.length + 1);
          if (body.length < 40) continue;
          const guid = body.toString("latin1", 0, 32);
          const total = body.readUInt32BE(32);
          const offset = body.readUInt32BE(36);
          if (total > MAX_EXTENDED_XMP) continue;
          const entry = extended.get(guid) ?? { total, parts: new Map() };
          entry.parts.set(offset, body.subarray(40));
          extended.set(guid, entry);
        }
      } else if (seg.name === "APP11" && seg.data.toString("latin1", 0, 2) === "JP") {
        // JPEG-XT / JUMBF box (ISO 19566-5), which is how C2PA embeds in JPEG.
        out.c2pa = true;
      } else if (seg.name === "APP13") {
        out.iptc.push(...parseIptc(seg.data));
      } else if (seg.name === "COM") {
        out.texts.push({ source: "jpeg:COM", key: "Comment", value: seg.data.toString("utf8").replace(/\0+$/, "") });
        out.containers.push("com");
      }
    }
    for (const [guid, { total, parts }] of extended) {
      const buf = Buffer.alloc(total);
      let filled = 0;
      for (const [offset, part] of parts) {
        if (offset + part.length <= total) {
          part.copy(buf, offset);
          filled += part.length;
        }
      }
      if (filled < total) out.warnings.push(`extended XMP ${guid} incomplete (${filled}/${total} bytes)`);
      out.xmp.push(buf.subarray(0, Math.min(filled, total)).toString("utf8"));
      out.containers.push("xmp-extended");
    }
  } else if (format === "png") {
    const walk = walkPng(bytes);
    if (walk) {
      if (walk.badCrc.length) out.warnings.push(`PNG chunks with bad CRC: ${walk.badCrc.join(", ")}`);
      tiff = walk.exif;
      out.c2pa = walk.chunks.some((c) => c.type === "caBX");
      for (const t of walk.text) {
        const profile = /^Raw profile type (exif|app1|xmp|iptc|8bim)$/i.exec(t.keyword)?.[1]?.toLowerCase();
        if (t.keyword === "XML:com.adobe.xmp") out.xmp.push(t.text);
        else if (profile) {
          const raw = decodeRawProfile(t.text);
          if (!raw) out.warnings.push(`unreadable PNG "${t.keyword}" chunk`);
          else if (profile === "exif" || profile === "app1") {
            if (raw.toString("latin1", 0, 6) === "Exif\0\0") tiff ??= raw.subarray(6);
            else if (raw.toString("latin1", 0, 29) === `${XMP_ID}\0`) out.xmp.push(raw.subarray(29).toString("utf8"));
            else tiff ??= raw;
          } else if (profile === "xmp") out.xmp.push(raw.toString("utf8"));
          else out.iptc.push(...parseIptc(raw));
        } else out.texts.push({ source: `png:${t.chunk}`, key: t.keyword, value: t.text });
      }
      if (walk.text.length) out.containers.push("png-text");
    }
  } else {
    try {
      const meta = await sharp(bytes).metadata();
      if (meta.exif) tiff = meta.exif.subarray(0, 6).toString("latin1") === "Exif\0\0" ? meta.exif.subarray(6) : meta.exif;
      if (meta.xmp) out.xmp.push(meta.xmp.toString("utf8"));
      if (meta.iptc) out.iptc.push(...parseIptc(meta.iptc));
    } catch (e) {
      out.warnings.push(`metadata read failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  if (out.xmp.length) out.containers.push("xmp");
  if (out.iptc.length) out.containers.push("iptc");
  if (tiff && tiff.length >= 8) await readExif(tiff, out);
  return out;
}

async function readExif(tiff: Buffer, out: CollectedMetadata): Promise<void> {
  try {
    const parsed = (await exifr.parse(tiff, {
      tiff: true,
      exif: true,
      gps: true,
      ifd1: true,
      interop: false,
      xmp: false,
      iptc: false,
      icc: false,
      makerNote: false,
      userComment: true,
      mergeOutput: false,
      translateValues: false,
    })) as Record<string, Record<string, unknown> | Uint8Array | undefined> | undefined;
    if (!parsed) return;
    out.containers.push("exif");
    out.exif = { ...(parsed.ifd0 as object), ...(parsed.exif as object) };
    out.gps = { ...((parsed.gps as object | undefined) ?? {}) };
    const uc = parsed.userComment instanceof Uint8Array ? decodeUserComment(Buffer.from(parsed.userComment)) : null;
    if (uc) out.texts.push({ source: "exif:UserComment", key: "UserComment", value: uc });
    // ComfyUI's WebP/JPEG savers put "Workflow:{…}" / "Prompt:{…}" into IFD0 Make, Model or
    // ImageDescription; surface them under the PNG key names the detectors know.
    for (const key of ["Make", "Model", "ImageDescription"]) {
      const v = out.exif[key];
      const m = typeof v === "string" ? /^\s*(workflow|prompt)\s*:\s*(\{[\s\S]*)$/i.exec(v) : null;
      if (m) out.texts.push({ source: `exif:${key}`, key: m[1]!.toLowerCase(), value: m[2]! });
    }
    for (const key of ["ImageDescription", "Software", "Artist", "XPComment"]) {
      const v = out.exif[key];
      const text = typeof v === "string" ? v : v instanceof Uint8Array ? Buffer.from(v).toString("utf16le") : null;
      if (text?.trim()) out.texts.push({ source: `exif:${key}`, key, value: text.replace(/\0+$/, "") });
    }
    if (parsed.ifd1 && typeof (parsed.ifd1 as Record<string, unknown>).ThumbnailLength === "number") {
      const thumb = await exifr.thumbnail(tiff);
      if (thumb && thumb.length > 0) out.thumbnail = Buffer.from(thumb);
    }
  } catch (e) {
    out.warnings.push(`EXIF parse failed: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/**
 * ImageMagick's legacy "Raw profile type X" PNG text: "\n<name>\n<decimal length>\n<hex, wrapped>".
 */
export function decodeRawProfile(text: string): Buffer | null {
  const m = /^\s*\S+\s+(\d+)\s+([0-9a-fA-F\s]+)$/.exec(text);
  if (!m) return null;
  const hex = m[2]!.replace(/\s+/g, "");
  const len = Number(m[1]);
  if (hex.length < len * 2) return null;
  return Buffer.from(hex.slice(0, len * 2), "hex");
}

/** EXIF 2.32 §4.6.5 UserComment: 8-byte charset code, then the text. */
export function decodeUserComment(raw: Buffer): string | null {
  if (raw.length <= 8) return null;
  const code = raw.toString("latin1", 0, 8);
  const body = raw.subarray(8);
  let text: string;
  if (code.startsWith("UNICODE")) {
    // UTF-16 of unspecified byte order: writers differ (piexif: big endian). ASCII-range text has its
    // zero bytes on the even positions when big endian.
    let evenZeros = 0;
    let oddZeros = 0;
    for (let i = 0; i + 1 < body.length; i += 2) {
      if (body[i] === 0) evenZeros++;
      if (body[i + 1] === 0) oddZeros++;
    }
    if (evenZeros >= oddZeros) {
      const swapped = Buffer.alloc(body.length - (body.length & 1));
      for (let i = 0; i + 1 < body.length; i += 2) {
        swapped[i] = body[i + 1]!;
        swapped[i + 1] = body[i]!;
      }
      text = swapped.toString("utf16le");
    } else text = body.toString("utf16le");
  } else {
    text = body.toString("utf8");
  }
  text = text.replace(/\0+$/, "").trim();
  return text || null;
}
