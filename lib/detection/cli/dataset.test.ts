import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { makeBmp, makePng, makeTruncatedJpeg } from "../testing/fixtures";
import { heifEncAvailable, makeHeic } from "../testing/heic";
import { collect } from "./collect";
import { parseCsv } from "../csv";
import { itemBytes, loadDataset, parsePerturbation, type LabelledItem } from "./dataset";
import { signals } from "../signals";

describe("dataset", () => {
  it("parses quoted CSV fields", () => {
    expect(parseCsv('a,b\n1,"x, ""y"""\r\n2,z\n')).toEqual([["a", "b"], ["1", 'x, "y"'], ["2", "z"]]);
  });

  it("loads a folder with labels.csv beside it and tiles 2×2 grids", async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), "loupe-ds-"));
    mkdirSync(path.join(root, "dev/ai"), { recursive: true });
    mkdirSync(path.join(root, "dev/real"), { recursive: true });
    writeFileSync(path.join(root, "dev/ai/sd__grid.png"), await makePng({ width: 64, height: 64 }));
    writeFileSync(path.join(root, "dev/real/cam__a.png"), await makePng({ width: 32, height: 16 }));
    writeFileSync(
      path.join(root, "labels.csv"),
      'path,label,split,source,generator\ndev/ai/sd__grid.png,ai,dev,sd,"SD 1.5, 2x2 grid of 512px"\ndev/real/cam__a.png,real,dev,cam,\n',
    );
    const items = loadDataset(path.join(root, "dev"));
    expect(items.map((i) => [i.id, i.label, i.source])).toEqual([
      ["dev/ai/sd__grid.png#t0", "ai", "sd"],
      ["dev/ai/sd__grid.png#t1", "ai", "sd"],
      ["dev/ai/sd__grid.png#t2", "ai", "sd"],
      ["dev/ai/sd__grid.png#t3", "ai", "sd"],
      ["dev/real/cam__a.png", "real", "cam"],
    ]);
    const tile = await sharp(await itemBytes(items[3]!)).metadata();
    expect([tile.width, tile.height]).toEqual([32, 32]);
    expect(loadDataset(path.join(root, "labels.csv"), "dev")).toHaveLength(5);
    expect(loadDataset(path.join(root, "labels.csv"), "train")).toHaveLength(0);
  });

  it("perturbations", async () => {
    const png = await makePng({ width: 40, height: 20 });
    expect((await sharp(await parsePerturbation("jpeg75").apply(png)).metadata()).format).toBe("jpeg");
    expect((await sharp(await parsePerturbation("resize0.5").apply(png)).metadata()).width).toBe(20);
    expect(() => parsePerturbation("blur3")).toThrow(/unknown perturbation/);
  });

  // Perturbations start from the engine's decode, so every format it reads can be perturbed.
  it.skipIf(!heifEncAvailable() && !process.env.CI)("perturbs HEIC and BMP (formats plain sharp cannot read)", async () => {
    const heic = await makeHeic(await makePng({ width: 64, height: 48, seed: 3 }));
    for (const bytes of [heic, makeBmp({ width: 64, height: 48 })]) {
      const m = await sharp(await parsePerturbation("jpeg75").apply(bytes)).metadata();
      expect([m.format, m.width, m.height]).toEqual(["jpeg", 64, 48]);
    }
  });

  it("counts a file the engine cannot read as a decode error and goes on with the rest", async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), "loupe-ds-"));
    const good = path.join(root, "good.png");
    const bad = path.join(root, "bad.jpg");
    writeFileSync(good, await makePng({ width: 64, height: 64, seed: 4 }));
    writeFileSync(bad, await makeTruncatedJpeg({ width: 64, height: 64, seed: 5 }));
    const items: LabelledItem[] = [
      { id: "bad.jpg", file: bad, label: "real", source: "s", generator: "" },
      { id: "good.png", file: good, label: "real", source: "s", generator: "" },
    ];
    const cheap = signals.filter((s) => s.id === "jpeg" || s.id === "metadata");
    expect(cheap).toHaveLength(2);
    const rows = await collect(items, cheap, parsePerturbation("jpeg75"), { cache: false });
    expect(rows.map((r) => [r.item.id, r.decodeError ?? null, r.signals.length])).toEqual([
      ["bad.jpg", "image_corrupt", 0],
      ["good.png", null, cheap.length],
    ]);
  });
});
