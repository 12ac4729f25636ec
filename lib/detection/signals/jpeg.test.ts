import { describe, expect, it } from "vitest";
import sharp from "sharp";
import { decodeImage } from "../decode";
import { makeJpeg, makePng } from "../testing/fixtures";
import jpeg from "./jpeg";

async function run(bytes: Buffer) {
  const d = await decodeImage(bytes);
  if (!d.ok) throw new Error(d.error.message);
  return jpeg.run(d.value, { heatmaps: false });
}

describe("jpeg signal", () => {
  it.each([50, 75, 90, 97])("recognises IJG tables at quality %i", async (q) => {
    const out = await run(await makeJpeg({ width: 256, height: 256, quality: q }));
    expect(out.details).toMatchObject({ quality: q, standardTables: true, subsampling: "4:2:0" });
    expect(out.flags.map((f) => f.code)).toContain("standard_tables");
    expect(out.flags.some((f) => f.code === "very_high_quality")).toBe(q >= 95);
  });

  it("reports 4:4:4 and custom (non-IJG) tables", async () => {
    const custom = await sharp(await makePng({ width: 256, height: 256 })).jpeg({ quality: 85, chromaSubsampling: "4:4:4", quantisationTable: 3 }).toBuffer();
    const out = await run(custom);
    expect(out.details).toMatchObject({ standardTables: false, subsampling: "4:4:4" });
    expect(out.flags.map((f) => f.code)).toContain("nonstandard_tables");
  });

  it("finds double compression, and not in a single compression", async () => {
    const single = await makeJpeg({ width: 512, height: 512, quality: 90, seed: 5 });
    const twice = await sharp(await makeJpeg({ width: 512, height: 512, quality: 55, seed: 5 })).jpeg({ quality: 90 }).toBuffer();
    expect((await run(single)).flags.map((f) => f.code)).not.toContain("double_compression");
    expect((await run(twice)).flags.map((f) => f.code)).toContain("double_compression");
  });

  it("does not apply to other formats", async () => {
    const out = await run(await makePng({ width: 64, height: 64 }));
    expect(out).toMatchObject({ score: null, notApplicable: true });
  });
});

describe("jpeg vendor hint", () => {
  it("keys tables stably and finds nothing for unseen tables", async () => {
    const { tablesKey, vendorsFor } = await import("../formats/jpeg-vendor");
    const t = [{ id: 1, precision: 8 as const, values: new Array(64).fill(3) }, { id: 0, precision: 8 as const, values: new Array(64).fill(2) }];
    expect(tablesKey(t)).toBe(tablesKey([...t].reverse()));
    expect(tablesKey(t)).toMatch(/^[0-9a-f]{16}$/);
    expect(vendorsFor(t)).toEqual([]);
  });
});
