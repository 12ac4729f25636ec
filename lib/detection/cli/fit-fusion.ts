// Fit the fusion weights on the training split and write fusion/weights.json.
//   npx tsx lib/detection/cli/fit-fusion.ts [--data ../shared/datasets/labels.csv] [--split train]
//        [--no-augment] [--no-cache] [--out lib/detection/fusion/weights.json] [--signal-stats]
// Every training image is used as-is AND re-encoded as JPEG (quality 70–95, chosen per file), both
// labels alike, so "is it a JPEG" cannot separate the classes (dataset README, trap 1).
import { createHash } from "node:crypto";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import sharp from "sharp";
import { collect, type Row } from "./collect";
import { loadDataset, type Perturbation } from "./dataset";
import { auc, tprAtFpr } from "./metrics";
import { signals as registry } from "../signals";
import { ENGINE_VERSION } from "../version";
import { logisticFit } from "../fusion/logistic";
import { scoreFeature, type FusionWeights } from "../fusion/weights";

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}
const flag = (name: string) => process.argv.includes(`--${name}`);

/**
 * Signals whose null score means "nothing found here" rather than "could not run" get no
 * missing-indicator feature. jpeg is null for every non-JPEG (a file-format fact), and metadata, c2pa and
 * watermark are null when a file carries no provenance, which their owners define as no evidence (most
 * real photos are shared stripped). With an indicator, the fit learns "no EXIF → AI" from this data set
 * (weight ≈ 4): the format/metadata shortcut of dataset README trap 1, not evidence.
 */
const NO_MISSING_INDICATOR = new Set(["jpeg", "metadata", "c2pa", "watermark"]);

const jpegAugment: Perturbation = {
  name: "jpegaug",
  apply: async (b) => {
    const q = 70 + (createHash("sha1").update(b).digest()[0]! % 26);
    return sharp(b).flatten({ background: "#ffffff" }).jpeg({ quality: q }).toBuffer();
  },
};

function classWeights(y: number[]): number[] {
  const pos = y.filter((v) => v === 1).length;
  const neg = y.length - pos;
  return y.map((v) => (v === 1 ? y.length / (2 * pos) : y.length / (2 * neg)));
}

/** One-signal logistic fits on each pixel signal's raw features (prints the coefficients to paste). */
const SIGNAL_FEATURES: Record<string, (d: Record<string, number>) => number[]> = {
  jpeg: (d) => {
    const dq = d.doubleQuantisation as unknown as { roughness: number } | null;
    const std = d.standardTables ? 1 : 0;
    return [std, dq && dq.roughness > 30 ? 1 : 0, d.quality! / 100];
  },
  ela: (d) => [Math.log(d.medianRatio! + 0.01), Math.min(d.spread!, 6)],
  noise: (d) => [d.lag1!, d.brightnessCorr!, Math.log(d.inconsistency!), d.modelDeviationStd!],
  frequency: (d) => [d.upsamplingPeakLog10!, -(d.spectralSlope! + 2)],
};

function signalStats(rows: Row[]) {
  for (const [id, feat] of Object.entries(SIGNAL_FEATURES)) {
    const X: number[][] = [];
    const y: number[] = [];
    for (const r of rows) {
      const s = r.signals.find((x) => x.id === id);
      if (!s || s.status !== "ok" || !s.details) continue;
      X.push([...feat(s.details as Record<string, number>), 1]);
      y.push(r.item.label === "ai" ? 1 : 0);
    }
    if (!X.length) continue;
    const beta = logisticFit(X, y, classWeights(y), 1e-2, X[0]!.map((_, j) => j < X[0]!.length - 1));
    const p = X.map((x) => 1 / (1 + Math.exp(-x.reduce((a, v, j) => a + v * beta[j]!, 0))));
    console.log(`${id}: coefficients ${beta.map((b) => b.toFixed(3)).join(", ")} (last = intercept), train AUC ${auc(p, y).toFixed(3)}, n=${X.length}`);
  }
}

async function main() {
  const data = arg("data", "../shared/datasets/labels.csv");
  const split = arg("split", "train");
  const out = arg("out", fileURLToPath(new URL("../fusion/weights.json", import.meta.url)));
  // --sample k: every k-th item (quick looks at signal features; the committed fit uses all).
  const sample = Math.max(1, Number(arg("sample", "1")));
  const items = loadDataset(data, split).filter((_, i) => i % sample === 0);
  if (!items.length) throw new Error(`no items in ${data} (split ${split})`);
  const signals = registry;
  const cache = !flag("no-cache");
  const refresh = new Set(arg("refresh", "").split(",").filter(Boolean));
  const rows = await collect(items, signals, null, { cache, refresh, progress: "original" });
  if (!flag("no-augment")) rows.push(...(await collect(items, signals, jpegAugment, { cache, refresh, progress: "jpeg-augmented" })));
  const usable = rows.filter((r) => !r.decodeError);
  if (flag("signal-stats")) return signalStats(usable);

  // Features: logit(score) per signal (mean-imputed when missing) + missing indicators.
  const feats = signals.map((s) => {
    const present = usable.map((r) => r.signals.find((x) => x.id === s.id)).filter((x) => x && x.status === "ok" && x.score !== null);
    const mean = present.length ? present.reduce((a, x) => a + scoreFeature(x!.score!), 0) / present.length : 0;
    const missingShare = 1 - present.length / usable.length;
    return { id: s.id, version: s.version, mean, indicator: !NO_MISSING_INDICATOR.has(s.id) && missingShare > 0.01 && missingShare < 0.99, usable: present.length > 0 };
  }).filter((f) => f.usable);
  const X: number[][] = [];
  const y: number[] = [];
  for (const r of usable) {
    const row: number[] = [];
    for (const f of feats) {
      const s = r.signals.find((x) => x.id === f.id);
      const present = s !== undefined && s.status === "ok" && s.score !== null;
      row.push(present ? scoreFeature(s.score!) : f.mean);
      if (f.indicator) row.push(present ? 0 : 1);
    }
    row.push(1);
    X.push(row);
    y.push(r.item.label === "ai" ? 1 : 0);
  }
  const penalise = X[0]!.map((_, j) => j < X[0]!.length - 1);
  const beta = logisticFit(X, y, classWeights(y), 1.0, penalise);
  let j = 0;
  const features = feats.map((f) => {
    const weight = beta[j++]!;
    const missingWeight = f.indicator ? beta[j++]! : 0;
    // fuse.ts adds weight·mean for a missing feature; fold that into missingWeight's meaning: the
    // stored missingWeight is exactly the fitted indicator coefficient.
    return { id: f.id, version: f.version, mean: Math.round(f.mean * 1e4) / 1e4, weight: Math.round(weight * 1e4) / 1e4, missingWeight: Math.round(missingWeight * 1e4) / 1e4 };
  });
  const bias = beta[j]!;
  const probs = X.map((x) => 1 / (1 + Math.exp(-x.reduce((a, v, k) => a + v * beta[k]!, 0))));
  const trainAuc = auc(probs, y);
  // Default thresholds: "ai" where train FPR is 5 %; "authentic" where 5 % of AI images fall below.
  const aiThr = tprAtFpr(probs, y, 0.05).threshold;
  const aiProbs = probs.filter((_, i) => y[i] === 1).sort((a, b) => a - b);
  const authThr = Math.min(aiThr - 0.01, aiProbs[Math.floor(0.05 * aiProbs.length)] ?? 0.3);
  const date = new Date().toISOString().slice(0, 10);
  const hash = createHash("sha1").update(JSON.stringify({ features, bias })).digest("hex").slice(0, 8);
  const weights: FusionWeights = {
    version: `fusion-${date}-${hash}`,
    fittedAt: new Date().toISOString(),
    trainedOn: {
      data: path.relative(process.cwd(), path.resolve(data)),
      split,
      items: items.length,
      rows: usable.length,
      augment: flag("no-augment") ? "none" : "each image also re-encoded as JPEG q70–95",
      engineVersion: ENGINE_VERSION,
      signals: Object.fromEntries(signals.map((s) => [s.id, s.version])),
      regularisation: "L2, lambda 1.0, class-balanced",
    },
    bias: Math.round(bias * 1e4) / 1e4,
    features,
    thresholds: { ai: Math.round(aiThr * 1e4) / 1e4, authentic: Math.round(Math.max(0, authThr) * 1e4) / 1e4 },
    metrics: { trainAuc: Math.round(trainAuc * 1e4) / 1e4 },
  };
  // Per-signal train AUC, for comparing with eval's dev numbers (a large gap = that signal overfits).
  const perSignalAuc: Record<string, number> = {};
  for (const f of feats) {
    const pairs = usable.map((r, i) => [r.signals.find((x) => x.id === f.id), y[i]!] as const).filter(([x]) => x && x.status === "ok" && x.score !== null);
    perSignalAuc[f.id] = Math.round(auc(pairs.map(([x]) => x!.score!), pairs.map(([, l]) => l)) * 1e4) / 1e4;
  }
  weights.metrics = { ...weights.metrics, perSignalTrainAuc: perSignalAuc };
  writeFileSync(out, `${JSON.stringify(weights, null, 2)}\n`);
  console.log(`wrote ${out}: ${weights.version}, train AUC ${trainAuc.toFixed(3)} on ${usable.length} rows`);
  for (const f of features) console.log(`  ${f.id.padEnd(10)} weight ${f.weight.toFixed(3)}  missing ${f.missingWeight.toFixed(3)}  mean ${f.mean.toFixed(3)}  train AUC ${perSignalAuc[f.id]}`);
  console.log(`  bias ${weights.bias}; thresholds ai ≥ ${weights.thresholds.ai}, authentic ≤ ${weights.thresholds.authentic}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
