// Behaviour of the forensic pixel signals on constructed images whose answer is known.
import { describe, expect, it } from "vitest";
import sharp from "sharp";
import { decodeImage } from "../decode";
import { makeJpeg, makePixels, rng } from "../testing/fixtures";
import ela from "./ela";
import frequency from "./frequency";
import noise from "./noise";

async function decoded(bytes: Buffer) {
  const d = await decodeImage(bytes);
  if (!d.ok) throw new Error(d.error.message);
  return d.value;
}

/** Mid-grey plus independent per-pixel Gaussian-ish noise: an idealised sensor. */
function whiteNoisePng(w: number, h: number, seed: number, sigma = 8) {
  const r = rng(seed);
  const data = Buffer.alloc(w * h * 3);
  for (let i = 0; i < w * h; i++) {
    const v = 128 + sigma * (r() + r() + r() - 1.5) * 2;
    for (let c = 0; c < 3; c++) data[i * 3 + c] = Math.max(0, Math.min(255, Math.round(v)));
  }
  return sharp(data, { raw: { width: w, height: h, channels: 3 } }).png().toBuffer();
}

/** The same noise generated at half size and upsampled ×2 (bilinear): what a decoder's upsampling leaves. */
async function upsampledNoisePng(w: number, h: number, seed: number) {
  return sharp(await whiteNoisePng(w / 2, h / 2, seed)).resize(w, h, { kernel: "linear" }).png().toBuffer();
}

describe("noise signal", () => {
  it("white noise reads as grainy and uncorrelated; upsampled noise as smooth", async () => {
    const white = await noise.run(await decoded(await whiteNoisePng(256, 256, 1)), { heatmaps: false });
    const smooth = await noise.run(await decoded(await upsampledNoisePng(256, 256, 1)), { heatmaps: false });
    expect(white.details!.lag1 as number).toBeLessThan(-0.3);
    expect(white.flags.map((f) => f.code)).toContain("white_residual");
    expect(smooth.details!.lag1 as number).toBeGreaterThan(-0.1);
    expect(smooth.flags.map((f) => f.code)).toContain("smooth_residual");
    expect(smooth.score!).toBeGreaterThan(white.score!);
  });
});

describe("noise consistency map", () => {
  it("a noiseless pasted patch sits off the image's own noise model", async () => {
    const w = 320;
    const r = rng(7);
    const clean = Buffer.alloc(w * w * 3);
    for (let i = 0; i < w * w; i++) {
      const base = 60 + ((i % w) / w) * 140; // brightness ramp, shot-noise-like σ growing with it
      const v = base + Math.sqrt(base) * 0.8 * (r() + r() + r() - 1.5) * 2;
      for (let c = 0; c < 3; c++) clean[i * 3 + c] = Math.max(0, Math.min(255, Math.round(v)));
    }
    const pasted = Buffer.from(clean);
    for (let y = 96; y < 224; y++) for (let x = 96; x < 224; x++) for (let c = 0; c < 3; c++) pasted[(y * w + x) * 3 + c] = Math.round(60 + (x / w) * 140);
    const run = async (buf: Buffer) => noise.run(await decoded(await sharp(buf, { raw: { width: w, height: w, channels: 3 } }).png().toBuffer()), { heatmaps: true });
    const a = await run(clean);
    const b = await run(pasted);
    expect(b.details!.modelDeviationStd as number).toBeGreaterThan(2 * (a.details!.modelDeviationStd as number));
    expect(b.heatmap?.png.subarray(1, 4).toString()).toBe("PNG");
  });
});

describe("frequency signal", () => {
  it("finds the periodic trace of ×2 interpolation, and none in the same content at native size", async () => {
    const px = makePixels({ width: 256, height: 256, seed: 4, noise: 6 });
    const native = await sharp(makePixels({ width: 512, height: 512, seed: 4, noise: 6 }).data, { raw: { width: 512, height: 512, channels: 3 } }).png().toBuffer();
    const upsampled = await sharp(px.data, { raw: { width: 256, height: 256, channels: 3 } }).resize(512, 512, { kernel: "linear" }).png().toBuffer();
    const a = await frequency.run(await decoded(upsampled), { heatmaps: true });
    const b = await frequency.run(await decoded(native), { heatmaps: false });
    expect(a.details!.upsamplingPeakLog10 as number).toBeGreaterThan(0.8);
    expect(a.flags.map((f) => f.code)).toContain("upsampling_peaks");
    expect(b.details!.upsamplingPeakLog10 as number).toBeLessThan(0.8);
    expect(b.flags.map((f) => f.code)).not.toContain("upsampling_peaks");
    expect(a.heatmap?.png.subarray(1, 4).toString()).toBe("PNG");
  });

  it("sees the 8×8 grid of a strongly compressed JPEG and not of a high-quality one", async () => {
    const low = await frequency.run(await decoded(await makeJpeg({ width: 512, height: 512, quality: 30, noise: 20 })), { heatmaps: false });
    const high = await frequency.run(await decoded(await makeJpeg({ width: 512, height: 512, quality: 90, noise: 20 })), { heatmaps: false });
    expect(low.flags.map((f) => f.code)).toContain("jpeg_grid_peaks");
    expect(high.flags.map((f) => f.code)).not.toContain("jpeg_grid_peaks");
  });
});

describe("ela signal", () => {
  it("a never-compressed patch pasted into a JPEG stands out", async () => {
    const base = await sharp(await makeJpeg({ width: 384, height: 384, quality: 90, seed: 3, noise: 10 })).raw().toBuffer();
    const patch = makePixels({ width: 96, height: 96, seed: 9, noise: 30 });
    for (let y = 0; y < 96; y++) patch.data.copy(base, ((140 + y) * 384 + 140) * 3, y * 96 * 3, (y + 1) * 96 * 3);
    const spliced = await sharp(base, { raw: { width: 384, height: 384, channels: 3 } }).png().toBuffer();
    const clean = await sharp(await makeJpeg({ width: 384, height: 384, quality: 90, seed: 3, noise: 10 })).png().toBuffer();
    const a = await ela.run(await decoded(spliced), { heatmaps: true });
    const b = await ela.run(await decoded(clean), { heatmaps: false });
    expect(a.flags.map((f) => f.code)).toContain("inconsistent_regions");
    expect(b.flags.map((f) => f.code)).not.toContain("inconsistent_regions");
    expect(a.details!.outlierShare as number).toBeGreaterThan(b.details!.outlierShare as number);
    expect(a.heatmap).toBeDefined();
  });
});
