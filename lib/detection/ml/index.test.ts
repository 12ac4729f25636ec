import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { aggregate, calibrate, inspectModelFile, loadModel, sidecarPath } from "./index";
import { gridPatches } from "./preprocess";
import { COMMITTED_MODEL, PARITY_JSON, parityImage } from "./testing";

interface ParityCase {
  width: number;
  height: number;
  inputSum: number;
  positions: [number, number][];
  patchLogits: number[];
  imageLogit: number;
  probability: number;
}
const parity = JSON.parse(fs.readFileSync(PARITY_JSON, "utf8")) as {
  modelVersion: string;
  sha256: string;
  tolerance: number;
  cases: ParityCase[];
};

describe("loadModel", () => {
  it("returns null when the model file is missing", async () => {
    expect(await loadModel(path.join(os.tmpdir(), "no-such-dir", "missing.onnx"))).toBeNull();
  });

  it("throws when the ONNX file has no sidecar", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "loupe-ml-"));
    const p = path.join(dir, "other.onnx");
    fs.copyFileSync(COMMITTED_MODEL, p);
    await expect(loadModel(p)).rejects.toThrow(/sidecar missing/);
    expect(sidecarPath(p)).toBe(path.join(dir, "other.json"));
  });

  it("refuses a model whose bytes do not match the sidecar sha256", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "loupe-ml-"));
    fs.copyFileSync(COMMITTED_MODEL, path.join(dir, "m.onnx"));
    const side = JSON.parse(fs.readFileSync(sidecarPath(COMMITTED_MODEL), "utf8"));
    fs.writeFileSync(path.join(dir, "m.json"), JSON.stringify({ ...side, sha256: "0".repeat(64) }));
    await expect(loadModel(path.join(dir, "m.onnx"))).rejects.toThrow(/sha256/);
  });

  it("loads the committed model once per path", async () => {
    const a = await loadModel(COMMITTED_MODEL);
    expect(a).not.toBeNull();
    expect(a!.version).toBe(parity.modelVersion);
    expect(await loadModel(COMMITTED_MODEL)).toBe(a);
  });
});

describe("inspectModelFile", () => {
  it("reports the committed model's version without loading it", async () => {
    expect(await inspectModelFile(COMMITTED_MODEL)).toEqual({ status: "ok", version: parity.modelVersion });
  });

  it("reports a missing file as missing", async () => {
    expect(await inspectModelFile(path.join(os.tmpdir(), "no-such-dir", "missing.onnx"))).toEqual({ status: "missing" });
  });

  it("reports a broken install with a readable reason (bad sidecar field, wrong sha256)", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "loupe-ml-"));
    const p = path.join(dir, "m.onnx");
    fs.copyFileSync(COMMITTED_MODEL, p);
    const side = JSON.parse(fs.readFileSync(sidecarPath(COMMITTED_MODEL), "utf8"));
    fs.writeFileSync(path.join(dir, "m.json"), JSON.stringify({ ...side, calibration: { method: "platt", a: "x", b: 0 } }));
    const bad = await inspectModelFile(p);
    expect(bad).toMatchObject({ status: "invalid" });
    expect(bad.status === "invalid" && bad.error).toMatch(/m\.json is invalid: calibration\.a: /);
    fs.writeFileSync(path.join(dir, "m.json"), JSON.stringify({ ...side, sha256: "0".repeat(64) }));
    expect(await inspectModelFile(p)).toMatchObject({ status: "invalid", error: expect.stringMatching(/does not match its sidecar/) });
    fs.writeFileSync(path.join(dir, "m.json"), "{ not json");
    expect(await inspectModelFile(p)).toMatchObject({ status: "invalid", error: expect.stringMatching(/is not JSON/) });
  });
});

describe("committed model", () => {
  it.each(parity.cases.map((c) => [`${c.width}x${c.height}`, c] as const))(
    "matches the PyTorch parity vector for %s",
    async (_name, c) => {
      const model = (await loadModel(COMMITTED_MODEL))!;
      const img = parityImage(c.width, c.height);
      const batch = gridPatches(img, model.spec);
      let sum = 0;
      for (const v of batch.data) sum += v;
      expect(Math.abs(sum - c.inputSum) / c.inputSum).toBeLessThan(1e-6);
      const pred = await model.predict(img);
      expect(pred.patches.map((p) => [p.x, p.y])).toEqual(c.positions);
      expect(pred.patches).toHaveLength(c.patchLogits.length);
      c.patchLogits.forEach((l, i) => expect(Math.abs(pred.patches[i]!.logit - l)).toBeLessThan(parity.tolerance));
      expect(Math.abs(pred.logit - c.imageLogit)).toBeLessThan(parity.tolerance);
      expect(Math.abs(pred.probability - c.probability)).toBeLessThan(parity.tolerance);
      const side = JSON.parse(fs.readFileSync(sidecarPath(COMMITTED_MODEL), "utf8"));
      c.patchLogits.forEach((l, i) => {
        expect(Math.abs(pred.patches[i]!.probability - calibrate(l, side.calibration))).toBeLessThan(parity.tolerance);
      });
    },
  );

  it("gives a 1024² image the sidecar's full patch grid and a probability in [0,1], deterministically", async () => {
    const model = (await loadModel(COMMITTED_MODEL))!;
    const img = parityImage(1024, 1024);
    const a = await model.predict(img);
    const b = await model.predict(img);
    expect(a.patches).toHaveLength(model.spec.maxPerSide ** 2);
    expect(a.probability).toBeGreaterThanOrEqual(0);
    expect(a.probability).toBeLessThanOrEqual(1);
    expect(b).toEqual(a);
  });
});

describe("aggregate", () => {
  it.each([
    ["mean", [1, 2, 3, 6], 3],
    ["top2", [1, 2, 3, 6], 4.5],
    ["top8", [1, 3], 2],
  ])("%s of %j = %d", (m, v, want) => {
    expect(aggregate(v, m)).toBeCloseTo(want, 10);
  });
});
