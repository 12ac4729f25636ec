// Fusion: pure function from signal results to verdict, score, confidence, reasons and attribution.
// Verified provenance decides (README.md "Provenance convention"); otherwise a logistic combination
// whose weights are fitted by fusion/fit.ts and stored in fusion/weights.json.
import type { Attribution, SignalResult, Verdict } from "./types";
import { defaultWeights, scoreFeature, type FusionWeights } from "./fusion/weights";

/** The version `fuse()` stamps on its results with the default weights (detection caches key on it). */
export const FUSION_VERSION: string = defaultWeights.version;

export interface ProvenanceClaim {
  decisive: boolean;
  direction: "ai" | "authentic";
  generator?: string;
  source: "c2pa" | "metadata" | "watermark";
  confidence?: number;
  claim: string;
}

export interface FusionOptions {
  weights?: FusionWeights;
  /** Override the default thresholds (the app's policies). */
  thresholds?: { ai: number; authentic: number };
}

export interface FusionResult {
  fusionVersion: string;
  verdict: Verdict;
  score: number;
  confidence: number;
  uncertainty: number;
  reasons: string[];
  attribution: Attribution;
  /** The logistic part alone, 0..1 (also when provenance decided). */
  fittedProbability: number;
  /** `score` before rounding, 0..1 (what eval ranks by). */
  probability: number;
}

const DEFAULT_CONFIDENCE = { c2pa: 0.99, watermark: 0.99, metadata: 0.95 } as const;
const SOURCES = new Set(["c2pa", "metadata", "watermark"]);

/** Read a provenance claim from a signal's details, tolerating malformed shapes (they are ignored). */
export function provenanceOf(s: SignalResult): ProvenanceClaim | null {
  if (s.status !== "ok") return null;
  const p = s.details?.provenance as Partial<ProvenanceClaim> | undefined;
  if (!p || typeof p !== "object" || p.decisive !== true) return null;
  if (p.direction !== "ai" && p.direction !== "authentic") return null;
  if (!p.source || !SOURCES.has(p.source)) return null;
  const confidence = typeof p.confidence === "number" && p.confidence >= 0 && p.confidence <= 1 ? p.confidence : DEFAULT_CONFIDENCE[p.source];
  return {
    decisive: true,
    direction: p.direction,
    generator: typeof p.generator === "string" && p.generator ? p.generator : undefined,
    source: p.source,
    confidence,
    claim: typeof p.claim === "string" && p.claim ? p.claim : s.summary,
  };
}

function modelCandidates(signals: SignalResult[]): { name: string; confidence: number }[] {
  for (const s of signals) {
    if (s.status !== "ok") continue;
    const a = s.details?.attribution as { candidates?: unknown } | undefined;
    if (!a || !Array.isArray(a.candidates)) continue;
    return a.candidates
      .filter((c): c is { name: string; confidence: number } => typeof c?.name === "string" && typeof c?.confidence === "number")
      .sort((x, y) => y.confidence - x.confidence);
  }
  return [];
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));
const clamp01 = (x: number) => Math.min(1, Math.max(0, x));
const round = (x: number, d = 3) => Math.round(x * 10 ** d) / 10 ** d;

interface Contribution {
  signal: SignalResult | undefined;
  id: string;
  logit: number;
  /** The feature's training mean, as a 0..1 score (what "usual" means in a reason). */
  usual: number;
}

/** The fitted logistic part: probability plus each feature's push on the logit, relative to its mean. */
export function logistic(signals: SignalResult[], weights: FusionWeights): { p: number; contributions: Contribution[]; missingShare: number } {
  const byId = new Map(signals.map((s) => [s.id, s]));
  let z = weights.bias;
  const contributions: Contribution[] = [];
  let wAll = 0;
  let wMissing = 0;
  for (const f of weights.features) {
    const s = byId.get(f.id);
    const present = s !== undefined && s.status === "ok" && s.score !== null;
    const x = present ? scoreFeature(s.score!) : f.mean;
    z += f.weight * x + (present ? 0 : f.missingWeight);
    contributions.push({ signal: s, id: f.id, logit: present ? f.weight * (x - f.mean) : 0, usual: sigmoid(f.mean) });
    wAll += Math.abs(f.weight);
    if (!present) wMissing += Math.abs(f.weight);
  }
  return { p: sigmoid(z), contributions, missingShare: wAll > 0 ? wMissing / wAll : 1 };
}

/**
 * Why one signal pushes the fused score the way it does, in words that point the same way: its own
 * flag in that direction when it raised one, otherwise its score against its usual reading. Never its
 * summary alone: a summary can describe evidence pointing the other way (a spectral slope "in the
 * photo range" while the score, driven by the absence of resampling peaks, pushes towards AI).
 */
function contributionReason(c: Contribution): string {
  const towards = c.logit > 0 ? "ai" : "authentic";
  const dir = towards === "ai" ? "towards AI" : "towards authentic";
  const s = c.signal!;
  const flag = s.flags.find((f) => f.direction === towards);
  if (flag) return `${flag.message} (${c.id}: pushes ${dir})`;
  const score = Math.round(s.score! * 100);
  const usual = Math.round(c.usual * 100);
  return `The ${c.id} signal reads ${score}/100, ${towards === "ai" ? "higher" : "lower"} than the ${usual} it gives a typical training image (${c.id}: pushes ${dir})`;
}

export function fuse(signals: SignalResult[], opts: FusionOptions = {}): FusionResult {
  const weights = opts.weights ?? defaultWeights;
  const thresholds = opts.thresholds ?? weights.thresholds;
  const { p, contributions, missingShare } = logistic(signals, weights);

  // Disagreement: how far the individual signal scores sit from the fused probability.
  const scored = signals.filter((s) => s.status === "ok" && s.score !== null);
  const spread = scored.length ? Math.sqrt(scored.reduce((a, s) => a + (s.score! - p) ** 2, 0) / scored.length) : 0.5;
  const claims = signals.map(provenanceOf).filter((c): c is ProvenanceClaim => c !== null);
  const aiClaims = claims.filter((c) => c.direction === "ai").sort((a, b) => (b.confidence ?? 0) - (a.confidence ?? 0));
  const authClaims = claims.filter((c) => c.direction === "authentic").sort((a, b) => (b.confidence ?? 0) - (a.confidence ?? 0));

  const reasons: string[] = [];
  let verdict: Verdict;
  let prob: number;
  let confidence: number;
  let uncertainty: number;
  let attribution: Attribution = { mostLikely: null, confidence: 0, source: "none", alternatives: [] };

  const top = aiClaims[0];
  const auth = authClaims[0];
  if (top) {
    verdict = "ai_generated";
    confidence = top.confidence!;
    prob = Math.max(0.95, p);
    uncertainty = round(1 - confidence);
    reasons.push(top.claim);
    for (const c of aiClaims.slice(1)) reasons.push(c.claim);
    attribution = {
      mostLikely: top.generator ?? null,
      confidence: top.generator ? confidence : 0,
      source: top.source,
      alternatives: aiClaims
        .slice(1)
        .filter((c) => c.generator && c.generator !== top.generator)
        .map((c) => ({ name: c.generator!, confidence: c.confidence! })),
    };
  } else if (auth && p < thresholds.ai) {
    verdict = "likely_authentic";
    confidence = auth.confidence!;
    prob = Math.min(0.05, p);
    uncertainty = round(1 - confidence);
    reasons.push(auth.claim);
  } else {
    prob = p;
    verdict = p >= thresholds.ai ? "ai_generated" : p <= thresholds.authentic ? "likely_authentic" : "inconclusive";
    // Confidence: the fused probability's distance from a coin flip, shrunk by missing evidence.
    const margin = verdict === "inconclusive" ? 1 - Math.abs(p - 0.5) * 2 : Math.abs(p - 0.5) * 2;
    confidence = round(clamp01(margin * (1 - 0.5 * missingShare)));
    uncertainty = round(clamp01(0.5 * missingShare + spread));
    if (auth) reasons.push(`${auth.claim} However the pixel evidence points the other way, so the result is inconclusive.`);
    if (auth) verdict = "inconclusive";
  }

  // Pixel/model evidence, most influential first, in the direction of the verdict when there is one.
  const ranked = contributions
    .filter((c) => c.signal && c.signal.status === "ok" && Math.abs(c.logit) > 0.05)
    .sort((a, b) => Math.abs(b.logit) - Math.abs(a.logit));
  for (const c of ranked.slice(0, 4)) reasons.push(contributionReason(c));
  if (weights.features.length === 0 && !top && !auth) {
    reasons.push("The fusion weights have not been fitted yet, so pixel evidence cannot decide.");
  }
  const failed = signals.filter((s) => s.status === "error").map((s) => s.id);
  if (failed.length) reasons.push(`Signals that failed and were left out: ${failed.join(", ")}.`);

  if (!top && verdict !== "likely_authentic") {
    const cands = modelCandidates(signals);
    if (cands[0]) attribution = { mostLikely: cands[0].name, confidence: cands[0].confidence, source: "model", alternatives: cands.slice(1, 4) };
  }

  return {
    fusionVersion: weights.version,
    verdict,
    score: Math.round(clamp01(prob) * 100),
    confidence: round(confidence),
    uncertainty,
    reasons,
    attribution,
    fittedProbability: p,
    probability: clamp01(prob),
  };
}
