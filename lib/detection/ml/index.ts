// Loupe's own AI-image detector (models/loupe-detector.onnx, model card models/README.md).
// The model scores 64×64 patches of the analysis image; the image logit is the aggregate of the
// patch logits and a Platt calibration turns it into a probability. Everything the TypeScript side
// needs (input name, patch grid, aggregation, calibration) is read from the sidecar JSON next to the
// ONNX file, so an operator can drop in another model with the same interface via MODEL_PATH.
import path from "node:path";
import * as ort from "onnxruntime-node";
import { paths } from "../../env";
import type { RawImage } from "../signal";
import { readModelFiles } from "./model-file";
import { gridPatches, releaseBatch, type PatchSpec } from "./preprocess";

export { inspectModelFile, sidecarPath, type ModelFileStatus, type Sidecar } from "./model-file";

export interface MlPatch {
  x: number;
  y: number;
  w: number;
  h: number;
  /** Calibrated probability for this patch alone (same calibration as the image). */
  probability: number;
  /** Uncalibrated patch logit. */
  logit: number;
}

export interface MlPrediction {
  /** Calibrated probability that the image is AI-generated. */
  probability: number;
  /** Uncalibrated image logit (aggregate of the patch logits). */
  logit: number;
  patches: MlPatch[];
  modelVersion: string;
}

export interface MlModel {
  version: string;
  spec: PatchSpec;
  predict(img: RawImage): Promise<MlPrediction>;
}


export function aggregate(logits: ArrayLike<number>, method: string): number {
  const all = Array.from(logits);
  if (all.length === 0) throw new Error("no patch logits to aggregate");
  const k = method === "mean" ? all.length : Math.min(all.length, Number(method.slice(3)));
  const top = method === "mean" ? all : all.sort((a, b) => b - a).slice(0, k);
  return top.reduce((s, v) => s + v, 0) / top.length;
}

export function calibrate(logit: number, cal: { a: number; b: number }): number {
  return 1 / (1 + Math.exp(-(cal.a * logit + cal.b)));
}


async function load(modelPath: string): Promise<MlModel | null> {
  const files = await readModelFiles(modelPath);
  if (!files) return null;
  const { bytes, sidecar } = files;
  // One intra-op thread: the worker runs several scans in parallel and a scan runs several signals.
  const session = await ort.InferenceSession.create(bytes, {
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
    graphOptimizationLevel: "all",
  });
  const spec: PatchSpec = sidecar.patch;
  const { a, b } = sidecar.calibration;
  return {
    version: sidecar.version,
    spec,
    async predict(img: RawImage): Promise<MlPrediction> {
      const batch = gridPatches(img, spec);
      const input = new ort.Tensor("float32", batch.data, [batch.n, 3, spec.size, spec.size]);
      let out: ort.InferenceSession.ReturnType;
      try {
        out = await session.run({ [sidecar.input.name]: input });
      } finally {
        releaseBatch(batch);
      }
      const logits = out[sidecar.output.name]?.data as Float32Array | undefined;
      if (!logits || logits.length !== batch.n) throw new Error(`model returned ${logits?.length} logits for ${batch.n} patches`);
      const logit = aggregate(logits, sidecar.aggregation.method);
      return {
        probability: calibrate(logit, { a, b }),
        logit,
        patches: batch.positions.map((p, i) => ({
          x: p.x,
          y: p.y,
          w: spec.size,
          h: spec.size,
          probability: calibrate(logits[i]!, { a, b }),
          logit: logits[i]!,
        })),
        modelVersion: sidecar.version,
      };
    },
  };
}

const loaded = new Map<string, Promise<MlModel | null>>();

/** The detector at `modelPath` (default: MODEL_PATH or models/loupe-detector.onnx), memoised per path. */
export function loadModel(modelPath: string = paths.model): Promise<MlModel | null> {
  const key = path.resolve(modelPath);
  let p = loaded.get(key);
  if (!p) {
    p = load(key);
    // Do not memoise a failure: a fixed install should be picked up without a restart.
    p.catch(() => loaded.delete(key));
    loaded.set(key, p);
  }
  return p;
}
