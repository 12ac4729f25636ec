import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { DWTDCT_BLOCK, DWTDCT_SCALE, KNOWN_WATERMARKS, VARIANTS, blockBits, decodeDwtDct, log10BinomialTail, maxCoefficientIndex } from "../provenance/dwtdct";
import type { RawImage } from "../signal";
import { chromaTexturedRgb, decoded, encodePng, rawToSharp, syntheticRgb } from "../testing/provenance-fixtures";
import { makePixels } from "../testing/fixtures";
import { embedDwtDct } from "../testing/watermark-embed";
import watermark from "./watermark";

const ctx = { heatmaps: false };
const payload = (id: string) => {
  const wm = KNOWN_WATERMARKS.find((w) => w.id === id);
  if (!wm) throw new Error(id);
  return wm;
};

describe("watermark signal (dwtDct)", () => {
  // Each generator's real embedding path: SD reference scripts and InvokeAI embed in uint8 BGR,
  // diffusers SDXL in float32 RGB handed to OpenCV as if BGR.
  it.each([
    { id: "sdxl", domain: "float", order: "rgb", generator: "Stable Diffusion XL (diffusers)" },
    { id: "sdxl", domain: "uint8", order: "bgr", generator: "Stable Diffusion XL (diffusers)" },
    { id: "sd1", domain: "uint8", order: "bgr", generator: "Stable Diffusion v1 (reference scripts)" },
    { id: "sd1", domain: "float", order: "rgb", generator: "Stable Diffusion v1 (reference scripts)" },
    { id: "sd2", domain: "uint8", order: "bgr", generator: "Stable Diffusion 2 (reference scripts)" },
    { id: "invokeai", domain: "uint8", order: "bgr", generator: "InvokeAI" },
  ] as const)("detects $id embedded in the $domain domain ($order) and names the generator", async ({ id, domain, order, generator }) => {
    const raw = embedDwtDct(chromaTexturedRgb(512, 384, 11), payload(id).bits, { domain, order });
    const out = await watermark.run(await decoded(await encodePng(raw)), ctx);
    expect(out.score).toBeGreaterThan(0.95);
    expect(out.flags.map((f) => f.code)).toEqual(["watermark_detected"]);
    expect(out.summary).toContain(generator);
    expect(out.details?.provenance).toMatchObject({ decisive: true, direction: "ai", generator, source: "watermark" });
  });

  it("finds nothing in a clean image and does not score it", async () => {
    for (const raw of [chromaTexturedRgb(512, 512, 1), chromaTexturedRgb(640, 480, 2), syntheticRgb(512, 512, 3)]) {
      const out = await watermark.run(await decoded(await encodePng(raw)), ctx);
      expect(out.score).toBeNull();
      expect(out.flags.map((f) => f.code)).toEqual(["watermark_not_found"]);
      expect(out.details?.provenance).toBeUndefined();
    }
  });

  it("detects the inverted payload as a separate hypothesis", () => {
    const bits = payload("sdxl").bits.map((b) => 1 - b);
    const res = decodeDwtDct(embedDwtDct(chromaTexturedRgb(512, 384, 5), bits, { domain: "float", order: "rgb" }));
    expect(res.detected).toMatchObject({ id: "sdxl", inverted: true });
  });

  it("does not survive a 0.5 downscale (the mark is tied to the pixel grid)", async () => {
    const raw = embedDwtDct(chromaTexturedRgb(768, 768, 4), payload("sdxl").bits, { domain: "float", order: "rgb" });
    const half = await rawToSharp(raw).resize(384, 384).png().toBuffer();
    const out = await watermark.run(await decoded(half), ctx);
    expect(out.flags.map((f) => f.code)).toEqual(["watermark_not_found"]);
  });

  it("survives JPEG q90 with 4:4:4 chroma but not 4:2:0 subsampling (the mark lives in U)", async () => {
    const raw = embedDwtDct(chromaTexturedRgb(512, 512, 3), payload("sdxl").bits, { domain: "float", order: "rgb" });
    const full = await rawToSharp(raw).jpeg({ quality: 90, chromaSubsampling: "4:4:4" }).toBuffer();
    const sub = await rawToSharp(raw).jpeg({ quality: 90, chromaSubsampling: "4:2:0" }).toBuffer();
    expect((await watermark.run(await decoded(full), ctx)).flags[0]?.code).toBe("watermark_detected");
    expect((await watermark.run(await decoded(sub), ctx)).flags[0]?.code).toBe("watermark_not_found");
  });

  it("survives lossless re-encoding but is read on the full-resolution grid only", async () => {
    // 1100 px wide > ANALYSIS_MAX_SIDE: the analysis downscale would destroy the mark.
    const raw = embedDwtDct(chromaTexturedRgb(1100, 600, 9), payload("sd1").bits, { domain: "uint8", order: "bgr" });
    const webp = await rawToSharp(raw).webp({ lossless: true }).toBuffer();
    const img = await decoded(webp);
    expect(img.analysisScale).toBeLessThan(1);
    expect(decodeDwtDct(img.analysis).detected).toBeNull();
    const out = await watermark.run(img, ctx);
    expect(out.flags[0]?.code).toBe("watermark_detected");
  });

  it("is not applicable below 256 px on a side", async () => {
    const png = await sharp({ create: { width: 300, height: 200, channels: 3, background: "#808080" } }).png().toBuffer();
    const out = await watermark.run(await decoded(png), ctx);
    expect(out).toMatchObject({ score: null, notApplicable: true });
    expect(out.flags[0]?.code).toBe("image_too_small");
  });
});

/** The reference decode_frame written the slow, obvious way: whole U plane, whole LL band, then blocks. */
function referenceBits(raw: RawImage, domain: "uint8" | "float", order: "bgr" | "rgb"): Uint8Array {
  const { data, width, height, channels } = raw;
  const U = new Float64Array(width * height);
  for (let p = 0; p < width * height; p++) {
    const r = data[p * channels + (order === "bgr" ? 0 : 2)]!;
    const g = data[p * channels + 1]!;
    const b = data[p * channels + (order === "bgr" ? 2 : 0)]!;
    const u = (b - (0.299 * r + 0.587 * g + 0.114 * b)) * 0.492;
    U[p] = domain === "uint8" ? Math.min(255, Math.max(0, Math.round(u + 128))) : u + 0.5;
  }
  const w = (Math.floor(width / 4) * 4) / 2;
  const h = (Math.floor(height / 4) * 4) / 2;
  const ll = new Float64Array(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    const at = (dy: number, dx: number) => U[(2 * y + dy) * width + 2 * x + dx]!;
    ll[y * w + x] = (at(0, 0) + at(0, 1) + at(1, 0) + at(1, 1)) / 2;
  }
  const bw = Math.floor(w / DWTDCT_BLOCK);
  const bh = Math.floor(h / DWTDCT_BLOCK);
  const bits = new Uint8Array(bw * bh);
  for (let by = 0; by < bh; by++) for (let bx = 0; bx < bw; bx++) {
    const k = maxCoefficientIndex(ll, w, bx, by);
    const v = Math.abs(ll[(by * DWTDCT_BLOCK + (k >> 2)) * w + bx * DWTDCT_BLOCK + (k & 3)]!);
    bits[by * bw + bx] = v % DWTDCT_SCALE > DWTDCT_SCALE / 2 ? 1 : 0;
  }
  return bits;
}

describe("dwtDct block bits (single-pass strip decoder)", () => {
  it.each([
    [256, 256],
    [262, 270], // LL width not a multiple of the block: the trailing columns carry no bits
    [301, 517],
  ])("equals the whole-plane reference in all four variants at %i×%i", (w, h) => {
    const marked = embedDwtDct(chromaTexturedRgb(w, h, w + h), payload("sd1").bits, { domain: "uint8", order: "bgr" });
    for (const raw of [chromaTexturedRgb(w, h, 3), marked]) {
      const fast = blockBits(raw);
      VARIANTS.forEach(({ domain, order }, v) => expect(Array.from(fast.bits[v]!)).toEqual(Array.from(referenceBits(raw, domain, order))));
    }
  });
});

describe("dwtDct early stop", () => {
  it("reads only the row sample of a large clean image, and every block of a marked one", () => {
    const clean = decodeDwtDct(chromaTexturedRgb(1024, 768, 6));
    expect(clean.stoppedEarly).toBe(true);
    expect(clean.sampleStride).toBe(3); // 128 × 96 blocks: the stride keeps ~4096 of them
    expect(clean.blocks).toBe(clean.totalBlocks / 3);
    expect(clean.detected).toBeNull();
    // Near-grey content: every block reads the same bit, which matches no payload better than chance.
    const grey = decodeDwtDct(makePixels({ width: 1024, height: 1024, seed: 7 }));
    expect(grey.best?.agreement).toBe(1);
    expect(grey.stoppedEarly).toBe(true);
    const marked = decodeDwtDct(embedDwtDct(chromaTexturedRgb(1024, 768, 6), payload("sd2").bits, { domain: "uint8", order: "bgr" }));
    expect(marked.stoppedEarly).toBe(false);
    expect(marked.blocks).toBe(marked.totalBlocks);
    expect(marked.detected).toMatchObject({ id: "sd2" });
  });

  it("keeps reading a mark degraded by JPEG q75 (4:4:4) and still finds it", async () => {
    const raw = embedDwtDct(chromaTexturedRgb(1024, 1024, 8), payload("sdxl").bits, { domain: "float", order: "rgb" });
    const jpeg = await rawToSharp(raw).jpeg({ quality: 75, chromaSubsampling: "4:4:4" }).toBuffer();
    const res = decodeDwtDct(await (await decoded(jpeg)).fullRes());
    expect(res.stoppedEarly).toBe(false);
    expect(res.detected).toMatchObject({ id: "sdxl" });
  });

  it("reads small images whole (the sample would be too small to judge)", () => {
    const res = decodeDwtDct(chromaTexturedRgb(512, 512, 2));
    expect(res.sampleStride).toBe(1);
    expect(res.stoppedEarly).toBe(false);
    expect(res.blocks).toBe(res.totalBlocks);
  });

  it("samples large images more sparsely, and still finds a mark in them", () => {
    const big = chromaTexturedRgb(2400, 1600, 4); // 300 × 200 blocks
    const clean = decodeDwtDct(big);
    expect(clean.sampleStride).toBe(14);
    expect(clean.stoppedEarly).toBe(true);
    const marked = decodeDwtDct(embedDwtDct(big, payload("sdxl").bits, { domain: "float", order: "rgb" }));
    expect(marked.stoppedEarly).toBe(false);
    expect(marked.detected).toMatchObject({ id: "sdxl" });
  });
});

describe("dwtDct decision threshold", () => {
  it("needs 43 of 48 bits for the SDXL payload and 100 of 136 for SD v1 at the family-wise alpha", () => {
    const res = decodeDwtDct(chromaTexturedRgb(256, 256, 1));
    expect(log10BinomialTail(48, 43)).toBeLessThanOrEqual(res.log10Threshold);
    expect(log10BinomialTail(48, 42)).toBeGreaterThan(res.log10Threshold);
    expect(log10BinomialTail(136, 100)).toBeLessThanOrEqual(res.log10Threshold);
    expect(log10BinomialTail(136, 99)).toBeGreaterThan(res.log10Threshold);
  });

  it("computes the exact binomial tail", () => {
    expect(log10BinomialTail(4, 4)).toBeCloseTo(Math.log10(1 / 16), 10);
    expect(log10BinomialTail(4, 3)).toBeCloseTo(Math.log10(5 / 16), 10);
    expect(log10BinomialTail(10, 0)).toBe(0);
  });
});
