import { describe, expect, it } from "vitest";
import { decodeBmp, readBmpHeader } from "./bmp";

/** Hand-built BMPs: 8-bit palette (bottom-up) and 32-bit BITFIELDS with alpha (top-down). */
function bmp8(): Buffer {
  const w = 3, h = 2, stride = 4, palette = 256 * 4, off = 54 + palette;
  const b = Buffer.alloc(off + stride * h);
  b.write("BM", 0, "latin1");
  b.writeUInt32LE(b.length, 2);
  b.writeUInt32LE(off, 10);
  b.writeUInt32LE(40, 14);
  b.writeInt32LE(w, 18);
  b.writeInt32LE(h, 22);
  b.writeUInt16LE(1, 26);
  b.writeUInt16LE(8, 28);
  // palette entry i = (B, G, R, 0) = (i, 2i, 3i) mod 256
  for (let i = 0; i < 256; i++) { b[54 + i * 4] = i; b[55 + i * 4] = (2 * i) & 255; b[56 + i * 4] = (3 * i) & 255; }
  // bottom row first: indices 10 11 12, then top row 20 21 22
  [10, 11, 12].forEach((v, x) => (b[off + x] = v));
  [20, 21, 22].forEach((v, x) => (b[off + stride + x] = v));
  return b;
}

function bmp32TopDown(): Buffer {
  const w = 2, h = 1, off = 14 + 108;
  const b = Buffer.alloc(off + 8);
  b.write("BM", 0, "latin1");
  b.writeUInt32LE(b.length, 2);
  b.writeUInt32LE(off, 10);
  b.writeUInt32LE(108, 14);
  b.writeInt32LE(w, 18);
  b.writeInt32LE(-h, 22);
  b.writeUInt16LE(1, 26);
  b.writeUInt16LE(32, 28);
  b.writeUInt32LE(3, 30); // BI_BITFIELDS
  b.writeUInt32LE(0x00ff0000, 54);
  b.writeUInt32LE(0x0000ff00, 58);
  b.writeUInt32LE(0x000000ff, 62);
  b.writeUInt32LE(0xff000000, 66);
  b.writeUInt32LE(0x80112233, off); // A=0x80 R=0x11 G=0x22 B=0x33
  b.writeUInt32LE(0xff445566, off + 4);
  return b;
}

describe("BMP reader", () => {
  it("decodes 8-bit palettes bottom-up", () => {
    const d = decodeBmp(bmp8());
    if (!d.ok) throw new Error(d.message);
    expect([d.width, d.height, d.hasAlpha]).toEqual([3, 2, false]);
    // top-left pixel = index 20 → R 60, G 40, B 20
    expect([...d.data.subarray(0, 4)]).toEqual([60, 40, 20, 255]);
    // bottom-right = index 12 → R 36, G 24, B 12
    expect([...d.data.subarray(20, 24)]).toEqual([36, 24, 12, 255]);
  });

  it("decodes 32-bit BITFIELDS with alpha, top-down", () => {
    const d = decodeBmp(bmp32TopDown());
    if (!d.ok) throw new Error(d.message);
    expect(d.hasAlpha).toBe(true);
    expect([...d.data]).toEqual([0x11, 0x22, 0x33, 0x80, 0x44, 0x55, 0x66, 0xff]);
  });

  it("refuses truncated pixel data and bad headers", () => {
    const b = bmp8();
    expect(decodeBmp(b.subarray(0, b.length - 3))).toMatchObject({ ok: false, reason: "corrupt" });
    expect(readBmpHeader(Buffer.from("BM"))).toMatchObject({ ok: false, reason: "corrupt" });
  });
});
