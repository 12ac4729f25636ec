import { describe, expect, it } from "vitest";
import { axisPositions, gridPatches, toRgb, type PatchSpec } from "./preprocess";
import { parityImage } from "./testing";

const spec: PatchSpec = { size: 64, stride: 64, maxPerSide: 8 };

describe("axisPositions", () => {
  it.each([
    [30, [0]],
    [64, [0]],
    [65, [0, 1]],
    [128, [0, 64]],
    [150, [0, 43, 86]],
    [512, [0, 64, 128, 192, 256, 320, 384, 448]],
    [1024, [0, 137, 274, 411, 548, 685, 822, 960]],
  ])("length %i -> %j", (len, want) => {
    expect(axisPositions(len, spec)).toEqual(want);
  });

  it("never exceeds maxPerSide and always ends flush with the image", () => {
    for (let len = 65; len < 3000; len += 37) {
      const p = axisPositions(len, spec);
      expect(p.length).toBeLessThanOrEqual(8);
      expect(p.at(-1)).toBe(len - 64);
    }
  });
});

describe("gridPatches", () => {
  it("lays out NCHW planes scaled to [0,1], row-major", () => {
    const img = parityImage(150, 100);
    const b = gridPatches(img, spec);
    expect(b.n).toBe(6);
    expect(b.data.length).toBe(6 * 3 * 64 * 64);
    expect(b.positions[4]).toEqual({ x: 43, y: 36 });
    // patch 4, channel 2 (blue), row 5, column 7 comes from image pixel (43+7, 36+5)
    const want = img.data[3 * ((36 + 5) * 150 + 43 + 7) + 2]! / 255;
    expect(b.data[4 * 3 * 4096 + 2 * 4096 + 5 * 64 + 7]).toBeCloseTo(want, 7);
  });

  it("pads images smaller than a patch by edge replication", () => {
    const img = parityImage(48, 80);
    const b = gridPatches(img, spec);
    expect(b.width).toBe(64);
    expect(b.positions).toEqual([{ x: 0, y: 0 }, { x: 0, y: 16 }]);
    const last = img.data[3 * (10 * 48 + 47)]! / 255; // red of (47, 10)
    expect(b.data[10 * 64 + 63]).toBeCloseTo(last, 7);
  });

  it("replicates grey and flattens RGBA on white", () => {
    const grey = toRgb({ data: Buffer.from([10, 200]), width: 2, height: 1, channels: 1 });
    expect(Array.from(grey)).toEqual([10, 10, 10, 200, 200, 200]);
    const rgba = toRgb({ data: Buffer.from([0, 100, 255, 0, 0, 100, 255, 255]), width: 2, height: 1, channels: 4 });
    expect(Array.from(rgba)).toEqual([255, 255, 255, 0, 100, 255]);
  });
});
