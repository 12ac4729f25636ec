import { describe, expect, it } from "vitest";
import { defineSignal } from "./signal";
import { decodeImage } from "./decode";
import { runDetection } from "./run-detection";
import { makeJpeg, makePng } from "./testing/fixtures";
import { signals as registry } from "./signals";
import { ENGINE_VERSION } from "./version";

const good = defineSignal({
  id: "brightness",
  version: "0.0.1",
  title: "Test brightness",
  messages: { bright: { message: "The image is bright.", direction: "neutral" } },
  async run(image) {
    const d = image.analysis.data;
    let s = 0;
    for (const v of d) s += v;
    const mean = s / d.length / 255;
    return { score: mean, flags: mean > 0.3 ? [{ code: "bright", detail: `(mean ${mean.toFixed(2)})` }] : [], summary: "Brightness measured." };
  },
});

const throwing = defineSignal({
  id: "boom",
  version: "0.0.1",
  title: "Always fails",
  messages: {},
  async run() {
    throw new Error("kaput");
  },
});

const liar = defineSignal({
  id: "liar",
  version: "0.0.1",
  title: "Undeclared flag",
  messages: { a: { message: "A.", direction: "ai" } },
  async run() {
    return { score: 0.5, flags: [{ code: "b" as "a" }], summary: "x" };
  },
});

const na = defineSignal({
  id: "na",
  version: "0.0.1",
  title: "Never applies",
  messages: {},
  async run() {
    return { score: null, flags: [], summary: "Does not apply.", notApplicable: true };
  },
});

describe("runDetection", () => {
  it("isolates a throwing signal and still fuses the rest", async () => {
    const r = await runDetection(await makeJpeg({ width: 64, height: 48 }), {}, [good, throwing, liar, na]);
    if (!r.ok) throw new Error(r.error.message);
    const byId = Object.fromEntries(r.value.signals.map((s) => [s.id, s]));
    expect(byId.boom).toMatchObject({ status: "error", error: "kaput", score: null });
    expect(byId.liar).toMatchObject({ status: "error", error: "undeclared flag code(s): b" });
    expect(byId.na).toMatchObject({ status: "not_applicable", score: null });
    expect(byId.brightness).toMatchObject({ status: "ok", version: "0.0.1" });
    expect(byId.brightness!.flags[0]).toMatchObject({ code: "bright", direction: "neutral" });
    expect(byId.brightness!.flags[0]!.message).toMatch(/^The image is bright\. \(mean /);
    expect(["ai_generated", "likely_authentic", "inconclusive"]).toContain(r.value.verdict);
    expect(r.value.reasons.join(" ")).toMatch(/failed.*boom/);
    expect(r.value.image).toMatchObject({ format: "jpeg", width: 64, height: 48, analysedWidth: 64, analysedHeight: 48 });
    expect(r.value.timings.totalMs).toBeGreaterThanOrEqual(r.value.timings.decodeMs);
  });

  it("honours `only`", async () => {
    const r = await runDetection(await makeJpeg(), { only: ["na"] }, [good, na]);
    expect(r.ok && r.value.signals.map((s) => s.id)).toEqual(["na"]);
  });

  it("returns decode errors as values", async () => {
    const r = await runDetection(Buffer.from("GIF89a"), {}, [good]);
    expect(r.ok ? null : r.error.code).toBe("image_corrupt");
    const r2 = await runDetection(Buffer.alloc(0), {}, [good]);
    expect(r2.ok ? null : r2.error.code).toBe("image_empty");
  });
});

describe("runDetection with the real registry", () => {
  it.each([
    ["jpeg", () => makeJpeg({ width: 300, height: 200, seed: 21 })],
    ["png", () => makePng({ width: 300, height: 200, seed: 22 })],
  ])("runs every registered signal on a %s without errors", async (_name, make) => {
    const r = await runDetection(await make(), { heatmaps: false });
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.signals.map((s) => s.id)).toEqual(registry.map((s) => s.id));
    expect(r.value.signals.filter((s) => s.status === "error").map((s) => `${s.id}: ${s.error}`)).toEqual([]);
    expect(r.value.engineVersion).toBe(ENGINE_VERSION);
    expect(r.value.fusionVersion).toMatch(/^fusion-/);
    expect(r.value.reasons.length).toBeGreaterThan(0);
    expect(r.value.signals.every((s) => s.heatmap === undefined)).toBe(true);
  });
});

describe("pixel-plane reuse between scans", () => {
  it("gives the same report for an image before and after another same-sized image reused its planes", async () => {
    const a = await makeJpeg({ width: 320, height: 240, seed: 3, quality: 85 });
    const b = await makePng({ width: 320, height: 240, seed: 9 });
    const strip = (r: Awaited<ReturnType<typeof runDetection>>) => {
      if (!r.ok) throw new Error(r.error.message);
      return r.value.signals.map(({ ms: _ms, ...s }) => ({ ...s, heatmap: s.heatmap?.png.toString("base64") }));
    };
    const first = strip(await runDetection(a));
    await runDetection(b);
    expect(strip(await runDetection(a))).toEqual(first);
  });
});

describe("runDetection with an earlier decode handed over", () => {
  it("takes the handed hash only with the handed raster and its informativeness; otherwise hashes what it decoded", async () => {
    const bytes = await makeJpeg({ width: 200, height: 150, seed: 91 });
    const d = await decodeImage(bytes);
    if (!d.ok) throw new Error("decode refused a valid JPEG");
    const own = await runDetection(bytes, { heatmaps: false, only: ["ela"] });
    const handed = await runDetection(bytes, { heatmaps: false, only: ["ela"], predecoded: { analysis: d.value.analysis, dhash: "feedfacecafebeef", dhashInformative: false } });
    expect(own.ok && handed.ok).toBe(true);
    if (!own.ok || !handed.ok) return;
    // The raster was used, so was its hash (a wrong one, to tell them apart here; the upload hands over the real one).
    expect(handed.value.dhash).toBe("feedfacecafebeef");
    expect(handed.value.dhashInformative).toBe(false);
    expect(own.value.dhashInformative).toBe(true);
    expect(handed.value.score).toBe(own.value.score);
    // A raster that is not this image's is not used, and neither is the hash that came with it.
    const other = await decodeImage(await makeJpeg({ width: 64, height: 48, seed: 92 }));
    if (!other.ok) throw new Error("decode refused a valid JPEG");
    const refused = await runDetection(bytes, { heatmaps: false, only: ["ela"], predecoded: { analysis: other.value.analysis, dhash: "feedfacecafebeef" } });
    expect(refused.ok && refused.value.dhash).toBe(own.value.dhash);
    // A hash handed without its informativeness (an older caller) is computed again.
    const partial = await runDetection(bytes, { heatmaps: false, only: ["ela"], predecoded: { analysis: d.value.analysis, dhash: "feedfacecafebeef" } });
    expect(partial.ok && partial.value.dhash).toBe(own.value.dhash);
  });
});
