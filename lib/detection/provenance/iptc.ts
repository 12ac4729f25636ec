// IPTC-IIM (IPTC IIM 4.2) records from a Photoshop image-resource block (JPEG APP13 "Photoshop 3.0",
// resource 0x0404) or from a bare IIM stream. Only record 2 (application) datasets are named.

export interface IptcRecord {
  dataset: number;
  name: string;
  value: string;
}

/** Record 2 datasets that can carry provenance (IIM 4.2 §6). */
const NAMES: Record<number, string> = {
  5: "ObjectName",
  25: "Keywords",
  65: "OriginatingProgram",
  70: "ProgramVersion",
  80: "By-line",
  110: "Credit",
  115: "Source",
  116: "CopyrightNotice",
  120: "Caption-Abstract",
  122: "Writer-Editor",
};

export function parseIptc(data: Buffer): IptcRecord[] {
  let p = 0;
  const ps = "Photoshop 3.0\0";
  if (data.toString("latin1", 0, ps.length) === ps) p = ps.length;
  if (data.toString("latin1", p, p + 4) !== "8BIM") return parseIim(data);
  const out: IptcRecord[] = [];
  while (p + 12 <= data.length && data.toString("latin1", p, p + 4) === "8BIM") {
    const id = data.readUInt16BE(p + 4);
    const nameLen = data[p + 6]!;
    // Pascal string (length byte + chars) padded to an even total.
    let q = p + 6 + ((nameLen + 2) & ~1);
    if (q + 4 > data.length) break;
    const size = data.readUInt32BE(q);
    q += 4;
    if (q + size > data.length) break;
    if (id === 0x0404) out.push(...parseIim(data.subarray(q, q + size)));
    p = q + size + (size & 1);
  }
  return out;
}

function parseIim(data: Buffer): IptcRecord[] {
  const out: IptcRecord[] = [];
  let p = 0;
  while (p + 5 <= data.length && data[p] === 0x1c) {
    const record = data[p + 1]!;
    const dataset = data[p + 2]!;
    const len = data.readUInt16BE(p + 3);
    // Extended-length datasets (high bit set) are binary objects we never need.
    if (len & 0x8000) break;
    const value = data.subarray(p + 5, p + 5 + len);
    if (record === 2 && NAMES[dataset]) out.push({ dataset, name: NAMES[dataset]!, value: value.toString("utf8") });
    p += 5 + len;
  }
  return out;
}
