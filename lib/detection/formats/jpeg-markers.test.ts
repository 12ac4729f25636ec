import { describe, expect, it } from "vitest";
import sharp from "sharp";
import { makeJpeg, makeTruncatedJpeg } from "../testing/fixtures";
import { appIdentifier, chromaSubsampling, parseDqt, parseSof, walkJpeg } from "./jpeg-markers";

describe("walkJpeg", () => {
  it("walks a sharp-made JPEG from SOI to EOI", async () => {
    const jpg = await sharp(await makeJpeg({ width: 40, height: 24, quality: 75 }))
      .withMetadata({ exif: { IFD0: { Software: "loupe-test" } } })
      .jpeg({ quality: 75 })
      .toBuffer();
    const walk = walkJpeg(jpg);
    expect(walk.complete).toBe(true);
    const names = walk.segments.map((s) => s.name);
    expect(names[0]).toBe("SOI");
    expect(names.at(-1)).toBe("EOI");
    expect(names).toContain("DQT");
    expect(names).toContain("DHT");
    expect(names).toContain("SOS");
    const app1 = walk.segments.find((s) => s.name === "APP1");
    expect(app1 && appIdentifier(app1)).toBe("Exif");
    const sof = parseSof(walk.segments.find((s) => s.name.startsWith("SOF"))!);
    expect(sof).toMatchObject({ type: "SOF0", width: 40, height: 24 });
    expect(chromaSubsampling(sof!)).toBe("4:2:0");
    const sos = walk.segments.find((s) => s.name === "SOS")!;
    expect(sos.entropyLength).toBeGreaterThan(0);
  });

  it("de-zigzags DQT tables", async () => {
    const walk = walkJpeg(await makeJpeg({ quality: 50 }));
    const tables = walk.segments.filter((s) => s.name === "DQT").flatMap((s) => parseDqt(s.data));
    const luma = tables.find((t) => t.id === 0)!;
    // IJG quality 50 = the Annex K luminance table itself: first row 16 11 10 16 24 40 51 61.
    expect(luma.values.slice(0, 8)).toEqual([16, 11, 10, 16, 24, 40, 51, 61]);
    expect(luma.values[8]).toBe(12);
  });

  it("reports truncation instead of throwing", async () => {
    const walk = walkJpeg(await makeTruncatedJpeg());
    expect(walk.complete).toBe(false);
    expect(walk.error).toMatch(/past end|EOI/);
    expect(walkJpeg(Buffer.from("hello")).error).toBe("missing SOI marker");
    expect(walkJpeg(Buffer.from([0xff, 0xd8, 0xff, 0xdb, 0xff, 0xff])).complete).toBe(false);
  });
});
