import { describe, expect, it } from "vitest";
import { fuse, provenanceOf } from "./fuse";
import { fusionWeightsSchema, type FusionWeights } from "./fusion/weights";
import { logisticFit } from "./fusion/logistic";
import type { SignalResult } from "./types";

const weights: FusionWeights = fusionWeightsSchema.parse({
  version: "fusion-test",
  fittedAt: null,
  trainedOn: {},
  bias: 0,
  features: [
    { id: "noise", version: "1", mean: 0, weight: 1, missingWeight: 0.5 },
    { id: "frequency", version: "1", mean: 0, weight: 1, missingWeight: 0 },
  ],
  thresholds: { ai: 0.7, authentic: 0.3 },
});

function sig(id: string, score: number | null, extra: Partial<SignalResult> = {}): SignalResult {
  return { id, version: "1", status: score === null ? "not_applicable" : "ok", score, flags: [], summary: `${id} summary`, ms: 1, ...extra };
}

describe("fuse: logistic part", () => {
  it.each([
    [0.95, 0.95, "ai_generated"],
    [0.05, 0.05, "likely_authentic"],
    [0.5, 0.5, "inconclusive"],
    [0.95, 0.05, "inconclusive"],
  ] as const)("noise %s, frequency %s → %s", (a, b, verdict) => {
    const r = fuse([sig("noise", a), sig("frequency", b)], { weights });
    expect(r.verdict).toBe(verdict);
    expect(r.score).toBeGreaterThanOrEqual(0);
    expect(r.score).toBeLessThanOrEqual(100);
    expect(r.fusionVersion).toBe("fusion-test");
    expect(r.attribution.source).toBe("none");
  });

  it("is monotone in each signal score", () => {
    const lo = fuse([sig("noise", 0.2), sig("frequency", 0.6)], { weights }).score;
    const hi = fuse([sig("noise", 0.8), sig("frequency", 0.6)], { weights }).score;
    expect(hi).toBeGreaterThan(lo);
  });

  it("imputes the mean and adds the missing weight for missing signals, and reports higher uncertainty", () => {
    const full = fuse([sig("noise", 0.5), sig("frequency", 0.5)], { weights });
    const missing = fuse([sig("noise", null), sig("frequency", 0.5)], { weights });
    const errored = fuse([sig("noise", null, { status: "error", error: "x" }), sig("frequency", 0.5)], { weights });
    expect(full.fittedProbability).toBeCloseTo(0.5);
    expect(missing.fittedProbability).toBeCloseTo(1 / (1 + Math.exp(-0.5)));
    expect(errored.fittedProbability).toBeCloseTo(missing.fittedProbability);
    expect(missing.uncertainty).toBeGreaterThan(full.uncertainty);
    expect(errored.reasons.at(-1)).toMatch(/failed.*noise/);
  });

  it("orders reasons by influence", () => {
    const r = fuse([sig("noise", 0.99), sig("frequency", 0.6)], { weights });
    expect(r.reasons[0]).toMatch(/^The noise signal reads 99\/100, higher than the 50/);
    expect(r.reasons[1]).toMatch(/^The frequency signal reads 60\/100/);
  });

  // Regression: a reason once read "…spectral slope -2.31 (photos ≈ −2 to −3). (frequency: pushes
  // towards AI)": the summary described evidence for "authentic" while the score pushed towards AI.
  it("words every reason in the direction it pushes, citing only flags that point that way", () => {
    const authenticFlag = { code: "natural_falloff", message: "The spectrum falls off like a natural photograph's.", direction: "authentic" as const };
    const aiFlag = { code: "smooth_residual", message: "The fine-scale residual is smooth.", direction: "ai" as const };
    const r = fuse(
      [
        sig("noise", 0.9, { flags: [aiFlag], summary: "Residual smooth." }),
        sig("frequency", 0.8, { flags: [authenticFlag], summary: "spectral slope -2.31 (photos ≈ −2 to −3)." }),
      ],
      { weights },
    );
    expect(r.reasons[0]).toBe("The fine-scale residual is smooth. (noise: pushes towards AI)");
    expect(r.reasons[1]).toMatch(/^The frequency signal reads 80\/100, higher than the 50 .*pushes towards AI\)$/);
    expect(r.reasons.join(" ")).not.toMatch(/natural photograph|photos ≈/);
    const down = fuse([sig("noise", 0.1, { flags: [aiFlag] }), sig("frequency", 0.5)], { weights });
    expect(down.reasons[0]).toMatch(/^The noise signal reads 10\/100, lower than the 50 .*pushes towards authentic\)$/);
  });

  it("policy thresholds override the defaults", () => {
    const s = [sig("noise", 0.65), sig("frequency", 0.65)];
    expect(fuse(s, { weights }).verdict).toBe("ai_generated");
    expect(fuse(s, { weights, thresholds: { ai: 0.9, authentic: 0.1 } }).verdict).toBe("inconclusive");
  });
});

describe("fuse: provenance", () => {
  const c2pa = (generator: string, confidence?: number) =>
    sig("c2pa", 1, { details: { provenance: { decisive: true, direction: "ai", generator, source: "c2pa", confidence, claim: `Signed C2PA manifest says ${generator} made this.` } } });

  it("decisive AI provenance wins over authentic-looking pixels and names the generator", () => {
    const r = fuse([sig("noise", 0.01), sig("frequency", 0.01), c2pa("gpt-image-1")], { weights });
    expect(r.verdict).toBe("ai_generated");
    expect(r.score).toBeGreaterThanOrEqual(95);
    expect(r.confidence).toBe(0.99);
    expect(r.reasons[0]).toBe("Signed C2PA manifest says gpt-image-1 made this.");
    expect(r.attribution).toEqual({ mostLikely: "gpt-image-1", confidence: 0.99, source: "c2pa", alternatives: [] });
  });

  it("several claims: the most confident names the generator, others are alternatives", () => {
    const wm = sig("watermark", 1, { details: { provenance: { decisive: true, direction: "ai", generator: "Stable Diffusion", source: "watermark", confidence: 0.9, claim: "Watermark." } } });
    const r = fuse([wm, c2pa("Firefly", 0.99)], { weights });
    expect(r.attribution.mostLikely).toBe("Firefly");
    expect(r.attribution.alternatives).toEqual([{ name: "Stable Diffusion", confidence: 0.9 }]);
  });

  it("decisive authentic provenance gives likely_authentic unless pixels say AI", () => {
    const cam = sig("c2pa", 0, { details: { provenance: { decisive: true, direction: "authentic", source: "c2pa", claim: "Signed capture by a camera." } } });
    const r = fuse([sig("noise", 0.4), sig("frequency", 0.4), cam], { weights });
    expect(r.verdict).toBe("likely_authentic");
    expect(r.reasons[0]).toBe("Signed capture by a camera.");
    const conflict = fuse([sig("noise", 0.99), sig("frequency", 0.99), cam], { weights });
    expect(conflict.verdict).toBe("inconclusive");
  });

  it("ignores non-decisive, malformed, and non-ok claims", () => {
    expect(provenanceOf(sig("m", 0.9, { details: { provenance: { decisive: false, direction: "ai", source: "metadata", claim: "x" } } }))).toBeNull();
    expect(provenanceOf(sig("m", 0.9, { details: { provenance: { decisive: true, direction: "sideways", source: "metadata" } } }))).toBeNull();
    expect(provenanceOf(sig("m", 0.9, { details: { provenance: { decisive: true, direction: "ai", source: "rumour" } } }))).toBeNull();
    expect(provenanceOf(sig("m", null, { status: "error", details: { provenance: { decisive: true, direction: "ai", source: "c2pa" } } }))).toBeNull();
    expect(provenanceOf(sig("m", 0.9, { details: { provenance: { decisive: true, direction: "ai", source: "metadata" } } }))?.confidence).toBe(0.95);
  });

  it("model attribution comes from details.attribution when no provenance decides", () => {
    const ml = sig("ml", 0.97, { details: { attribution: { candidates: [{ name: "SDXL", confidence: 0.2 }, { name: "Midjourney", confidence: 0.6 }] } } });
    const r = fuse([sig("noise", 0.99), sig("frequency", 0.99), ml], { weights });
    expect(r.attribution).toMatchObject({ mostLikely: "Midjourney", source: "model", alternatives: [{ name: "SDXL", confidence: 0.2 }] });
    const real = fuse([sig("noise", 0.01), sig("frequency", 0.01), ml], { weights });
    expect(real.attribution.source).toBe("none");
  });
});

describe("logisticFit", () => {
  it("recovers a separating direction and intercept", () => {
    const X: number[][] = [];
    const y: number[] = [];
    for (let i = 0; i < 200; i++) {
      const x = (i / 200) * 4 - 2;
      X.push([x, 1]);
      y.push(x + 0.5 * Math.sin(i * 12.9898) > 0.3 ? 1 : 0);
    }
    const [w, b] = logisticFit(X, y, y.map(() => 1), 1e-3, [true, false]);
    expect(w!).toBeGreaterThan(1);
    expect(-b! / w!).toBeCloseTo(0.3, 0);
  });
});
