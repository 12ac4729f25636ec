// Learned detector signal: Loupe's patch CNN (models/loupe-detector.onnx, card models/README.md).
// It runs on `image.analysis` (sRGB, longest side ≤ 1024, Lanczos) because that is exactly what the
// model was trained and calibrated on (models/training/common.py, load_split/cap_side). The score
// is the model's calibrated probability; when no model is installed the signal says so and abstains.
import { renderHeatmap } from "../ml/heatmap";
import { loadModel } from "../ml/index";
import { defineSignal } from "../signal";

/** Calibrated-probability bands for the flags. The score itself goes to fusion unchanged. */
const AI_AT = 0.7;
const AUTHENTIC_AT = 0.3;

export default defineSignal({
  id: "ml",
  version: "1.0.0",
  title: "Loupe detector (CNN on noise residuals of image patches)",
  messages: {
    model_ai: {
      message: "The learned detector finds the pixel statistics typical of AI-generated images.",
      direction: "ai",
    },
    model_authentic: {
      message: "The learned detector finds the pixel statistics typical of camera photographs.",
      direction: "authentic",
    },
    model_uncertain: {
      message: "The learned detector is undecided about this image.",
      direction: "neutral",
    },
    model_missing: {
      message: "No detector model is installed, so the learned detector did not run.",
      direction: "neutral",
    },
  },
  async run(image, ctx) {
    const model = await loadModel();
    if (!model) {
      return {
        score: null,
        notApplicable: true,
        flags: [{ code: "model_missing" }],
        summary: "Not run: no detector model file is installed (see MODEL_PATH).",
      };
    }
    const img = image.analysis;
    const pred = await model.predict(img);
    const p = pred.probability;
    const pct = `${Math.round(p * 100)}%`;
    const code = p >= AI_AT ? "model_ai" : p <= AUTHENTIC_AT ? "model_authentic" : "model_uncertain";
    const hottest = pred.patches.reduce((m, q) => (q.probability > m.probability ? q : m), pred.patches[0]!);
    const summary =
      code === "model_ai"
        ? `The detector rates this image ${pct} likely AI-generated.`
        : code === "model_authentic"
          ? `The detector rates this image ${pct} likely AI-generated, pointing to a real photograph.`
          : `The detector is undecided (${pct} likely AI-generated).`;
    return {
      score: p,
      flags: [{ code, detail: `${pct} over ${pred.patches.length} patches` }],
      summary,
      heatmap: ctx.heatmaps
        ? {
            png: renderHeatmap(pred.patches, img.width, img.height, image.orientation),
            label: "Per-patch probability of AI generation (red = AI, blue = authentic)",
          }
        : undefined,
      details: {
        modelVersion: pred.modelVersion,
        probability: p,
        logit: pred.logit,
        patchCount: pred.patches.length,
        patchSize: model.spec.size,
        maxPatchProbability: hottest.probability,
        analysedWidth: img.width,
        analysedHeight: img.height,
      },
    };
  },
});
