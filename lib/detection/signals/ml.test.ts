import fs from "node:fs";
import sharp from "sharp";
import { describe, expect, it, vi } from "vitest";
import type { DecodedImage, RawImage } from "../signal";
import { COMMITTED_MODEL } from "../ml/testing";

/** A DecodedImage around synthetic pixels: a sharp-rendered gradient with shapes and noise. */
async function syntheticImage(width: number, height: number): Promise<DecodedImage> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
    <defs><linearGradient id="g"><stop offset="0" stop-color="#2a6"/><stop offset="1" stop-color="#fd3"/></linearGradient></defs>
    <rect width="100%" height="100%" fill="url(#g)"/>
    <circle cx="${width / 3}" cy="${height / 2}" r="${height / 4}" fill="#c33"/>
    <rect x="${width / 2}" y="${height / 5}" width="${width / 4}" height="${height / 2}" fill="#35a"/>
  </svg>`;
  const jpeg = await sharp(Buffer.from(svg)).jpeg({ quality: 85 }).toBuffer();
  const { data, info } = await sharp(jpeg).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const analysis: RawImage = { data, width: info.width, height: info.height, channels: 3 };
  return {
    bytes: jpeg,
    info: { mime: "image/jpeg", format: "jpeg", width, height, sizeBytes: jpeg.length },
    orientation: undefined,
    hasAlpha: false,
    analysis,
    analysisScale: 1,
    fullRes: async () => analysis,
  };
}

describe("ml signal", () => {
  it("abstains with model_missing when no model file exists", async () => {
    vi.resetModules();
    vi.stubEnv("MODEL_PATH", "/nonexistent/loupe-detector.onnx");
    const { default: ml } = await import("./ml");
    const out = await ml.run(await syntheticImage(200, 120), { heatmaps: true });
    expect(out.score).toBeNull();
    expect(out.notApplicable).toBe(true);
    expect(out.flags).toEqual([{ code: "model_missing" }]);
    expect(out.heatmap).toBeUndefined();
    vi.unstubAllEnvs();
  });

  it("scores a synthetic image with the committed model, deterministically, with a heatmap", async () => {
    vi.resetModules();
    vi.stubEnv("MODEL_PATH", COMMITTED_MODEL);
    const { default: ml } = await import("./ml");
    const img = await syntheticImage(640, 400);
    const a = await ml.run(img, { heatmaps: true });
    const b = await ml.run(img, { heatmaps: false });
    expect(a.score).not.toBeNull();
    expect(a.score!).toBeGreaterThanOrEqual(0);
    expect(a.score!).toBeLessThanOrEqual(1);
    expect(b.score).toBe(a.score);
    expect(b.heatmap).toBeUndefined();
    expect(a.flags).toHaveLength(1);
    expect(Object.keys(ml.messages)).toContain(a.flags[0]!.code);
    const side = JSON.parse(fs.readFileSync(COMMITTED_MODEL.replace(/\.onnx$/, ".json"), "utf8"));
    // 640 px: 10 patch columns fit, 400 px: 7 rows; the sidecar's maxPerSide caps both.
    const m = side.patch.maxPerSide as number;
    expect(a.details).toMatchObject({ modelVersion: side.version, patchCount: Math.min(m, 10) * Math.min(m, 7), analysedWidth: 640 });
    const meta = await sharp(a.heatmap!.png).metadata();
    expect(meta.format).toBe("png");
    expect(meta.width! / meta.height!).toBeCloseTo(640 / 400, 1);
    vi.unstubAllEnvs();
  });

  it("flags follow the calibrated probability bands", async () => {
    vi.resetModules();
    vi.stubEnv("MODEL_PATH", COMMITTED_MODEL);
    const { default: ml } = await import("./ml");
    const out = await ml.run(await syntheticImage(300, 300), { heatmaps: false });
    const p = out.score!;
    const want = p >= 0.7 ? "model_ai" : p <= 0.3 ? "model_authentic" : "model_uncertain";
    expect(out.flags[0]!.code).toBe(want);
    vi.unstubAllEnvs();
  });
});
