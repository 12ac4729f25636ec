// A JPEG marker-stream walker (ITU-T T.81 Annex B). Returns every segment in file order so
// byte-level signals (jpeg quantisation, metadata APP1/APP13/COM, C2PA APP11) share one parser.
// It never throws: a malformed stream ends the walk and sets `error`.

export interface JpegSegment {
  /** Marker byte after 0xFF, e.g. 0xdb for DQT. */
  marker: number;
  /** Short name: SOI, SOF0, DHT, DQT, APP1, COM, SOS, EOI, RST0, ... */
  name: string;
  /** Offset of the 0xFF that starts the marker. */
  offset: number;
  /** Payload after the 2-byte length (empty for standalone markers). For SOS: the scan header only. */
  data: Buffer;
  /** For SOS: length in bytes of the entropy-coded data that follows the scan header. */
  entropyLength?: number;
}

export interface JpegWalk {
  segments: JpegSegment[];
  /** True when an EOI marker was reached. */
  complete: boolean;
  /** Why the walk stopped early, if it did. */
  error?: string;
}

const SOF_MARKERS = new Set([0xc0, 0xc1, 0xc2, 0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf]);

export function markerName(m: number): string {
  if (SOF_MARKERS.has(m)) return `SOF${m - 0xc0}`;
  if (m >= 0xe0 && m <= 0xef) return `APP${m - 0xe0}`;
  if (m >= 0xd0 && m <= 0xd7) return `RST${m - 0xd0}`;
  switch (m) {
    case 0xd8: return "SOI";
    case 0xd9: return "EOI";
    case 0xda: return "SOS";
    case 0xdb: return "DQT";
    case 0xc4: return "DHT";
    case 0xcc: return "DAC";
    case 0xdd: return "DRI";
    case 0xde: return "DHP";
    case 0xdf: return "EXP";
    case 0xfe: return "COM";
    case 0x01: return "TEM";
    default: return `0x${m.toString(16).padStart(2, "0")}`;
  }
}

/** Standalone markers carry no length field (T.81 Table B.1). */
function isStandalone(m: number): boolean {
  return m === 0xd8 || m === 0xd9 || m === 0x01 || (m >= 0xd0 && m <= 0xd7);
}

export function isJpeg(bytes: Uint8Array): boolean {
  return bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;
}

/** Walk all segments from SOI to EOI (or to the first malformed byte). */
export function walkJpeg(bytes: Buffer): JpegWalk {
  const segments: JpegSegment[] = [];
  if (!isJpeg(bytes)) return { segments, complete: false, error: "missing SOI marker" };
  segments.push({ marker: 0xd8, name: "SOI", offset: 0, data: bytes.subarray(2, 2) });
  let pos = 2;
  const n = bytes.length;
  while (pos < n) {
    if (bytes[pos] !== 0xff) return { segments, complete: false, error: `expected marker at ${pos}` };
    // Fill bytes: any number of 0xFF may precede a marker (B.1.1.2).
    while (pos < n && bytes[pos] === 0xff) pos++;
    if (pos >= n) break;
    const marker = bytes[pos]!;
    const offset = pos - 1;
    pos++;
    if (isStandalone(marker)) {
      segments.push({ marker, name: markerName(marker), offset, data: bytes.subarray(pos, pos) });
      if (marker === 0xd9) return { segments, complete: true };
      continue;
    }
    if (pos + 2 > n) return { segments, complete: false, error: "truncated segment length" };
    const len = bytes.readUInt16BE(pos);
    if (len < 2 || pos + len > n) {
      return { segments, complete: false, error: `truncated ${markerName(marker)} segment` };
    }
    const data = bytes.subarray(pos + 2, pos + len);
    pos += len;
    if (marker !== 0xda) {
      segments.push({ marker, name: markerName(marker), offset, data });
      continue;
    }
    // Entropy-coded data runs until a marker that is neither a stuffed 0x00 nor RSTn.
    const start = pos;
    while (pos < n) {
      if (bytes[pos] === 0xff && pos + 1 < n) {
        const next = bytes[pos + 1]!;
        if (next === 0x00 || (next >= 0xd0 && next <= 0xd7) || next === 0xff) {
          pos += next === 0xff ? 1 : 2;
          continue;
        }
        break;
      }
      pos++;
    }
    segments.push({ marker, name: "SOS", offset, data, entropyLength: pos - start });
    if (pos >= n) return { segments, complete: false, error: "entropy-coded data runs past end of file" };
  }
  return { segments, complete: false, error: "no EOI marker" };
}

export interface QuantTable {
  id: number;
  /** 8 or 16 bit precision. */
  precision: 8 | 16;
  /** 64 values in natural (row-major) order, de-zigzagged. */
  values: number[];
}

/** Zigzag index → natural index (T.81 Figure A.6). */
export const ZIGZAG = [
  0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14, 21,
  28, 35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51, 58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61,
  54, 47, 55, 62, 63,
];

/** Parse one DQT payload (may hold several tables, B.2.4.1). */
export function parseDqt(data: Buffer): QuantTable[] {
  const tables: QuantTable[] = [];
  let p = 0;
  while (p < data.length) {
    const pq = data[p]! >> 4;
    const id = data[p]! & 0x0f;
    p++;
    const size = pq ? 128 : 64;
    if (p + size > data.length) break;
    const values = new Array<number>(64).fill(0);
    for (let k = 0; k < 64; k++) {
      values[ZIGZAG[k]!] = pq ? data.readUInt16BE(p + 2 * k) : data[p + k]!;
    }
    tables.push({ id, precision: pq ? 16 : 8, values });
    p += size;
  }
  return tables;
}

export interface FrameHeader {
  /** SOF marker name: SOF0 baseline, SOF2 progressive, ... */
  type: string;
  precision: number;
  width: number;
  height: number;
  components: { id: number; h: number; v: number; tq: number }[];
}

export function parseSof(seg: JpegSegment): FrameHeader | null {
  const d = seg.data;
  if (d.length < 6) return null;
  const nc = d[5]!;
  if (d.length < 6 + nc * 3) return null;
  const components = [];
  for (let i = 0; i < nc; i++) {
    const o = 6 + i * 3;
    components.push({ id: d[o]!, h: d[o + 1]! >> 4, v: d[o + 1]! & 0x0f, tq: d[o + 2]! });
  }
  return { type: seg.name, precision: d[0]!, height: d.readUInt16BE(1), width: d.readUInt16BE(3), components };
}

/** The APPn payload identifier (NUL-terminated ASCII prefix, e.g. "Exif", "http://ns.adobe.com/xap/1.0/"). */
export function appIdentifier(seg: JpegSegment, maxLen = 64): string {
  const end = seg.data.indexOf(0, 0);
  const stop = end < 0 ? Math.min(seg.data.length, maxLen) : Math.min(end, maxLen);
  return seg.data.subarray(0, stop).toString("latin1");
}

/** Chroma subsampling label from the frame's sampling factors (e.g. "4:2:0"). */
export function chromaSubsampling(frame: FrameHeader): string {
  if (frame.components.length === 1) return "grayscale";
  const [y, cb] = frame.components;
  if (!y || !cb) return "unknown";
  const hr = y.h / cb.h;
  const vr = y.v / cb.v;
  if (hr === 1 && vr === 1) return "4:4:4";
  if (hr === 2 && vr === 1) return "4:2:2";
  if (hr === 2 && vr === 2) return "4:2:0";
  if (hr === 1 && vr === 2) return "4:4:0";
  if (hr === 4 && vr === 1) return "4:1:1";
  return `${y.h}x${y.v}/${cb.h}x${cb.v}`;
}
