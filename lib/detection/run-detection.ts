// Decode once, run every registered signal, isolate failures, fuse (CONTRIBUTING.md, "Detection signals").
import { decodeImage } from "./decode";
import { differenceHash } from "./dhash";
import { fuse } from "./fuse";
import { releasePlanes } from "./pixels";
import type { DecodedImage, SignalOutput } from "./signal";
import { signals as registry, type AnySignal as SignalDefinition } from "./signals";
import type { DetectionOptions, DetectionReport, ImageError, Result, SignalResult } from "./types";
import { ENGINE_VERSION } from "./version";

/** A signal still running after this is reported as an error so one hang never blocks a case. */
const SIGNAL_TIMEOUT_MS = 60_000;

function now(): number {
  return performance.now();
}

/** Turn a signal's raw output into a SignalResult; contract violations become status "error". */
function toResult(def: SignalDefinition, out: SignalOutput, ms: number): SignalResult {
  const base = { id: def.id, version: def.version, ms: Math.round(ms * 10) / 10 };
  const undeclared = out.flags.filter((f) => !Object.hasOwn(def.messages, f.code)).map((f) => f.code);
  if (undeclared.length) return errorResult(def, ms, `undeclared flag code(s): ${undeclared.join(", ")}`);
  if (out.score !== null && !(Number.isFinite(out.score) && out.score >= 0 && out.score <= 1)) {
    return errorResult(def, ms, `score out of range: ${out.score}`);
  }
  return {
    ...base,
    status: out.score === null && out.notApplicable ? "not_applicable" : "ok",
    score: out.score,
    flags: out.flags.map((f) => {
      const m = def.messages[f.code]!;
      return { code: f.code, message: f.detail ? `${m.message} ${f.detail}` : m.message, direction: m.direction };
    }),
    summary: out.summary,
    ...(out.heatmap ? { heatmap: out.heatmap } : {}),
    ...(out.details ? { details: out.details } : {}),
  };
}

function errorResult(def: SignalDefinition, ms: number, message: string): SignalResult {
  return {
    id: def.id,
    version: def.version,
    status: "error",
    score: null,
    flags: [],
    summary: `The ${def.title} check failed and was left out.`,
    ms: Math.round(ms * 10) / 10,
    error: message,
  };
}

async function runOne(def: SignalDefinition, image: DecodedImage, heatmaps: boolean): Promise<SignalResult> {
  const t0 = now();
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${SIGNAL_TIMEOUT_MS} ms`)), SIGNAL_TIMEOUT_MS);
    });
    const out = await Promise.race([def.run(image, { heatmaps }), timeout]);
    return toResult(def, out, now() - t0);
  } catch (e) {
    // Message only: stacks stay out of reports (they reach users and API clients).
    return errorResult(def, now() - t0, e instanceof Error ? e.message : String(e));
  } finally {
    clearTimeout(timer);
  }
}

/** Run signals over an already-decoded image (eval reuses one decode for several perturbations). */
export async function runSignals(image: DecodedImage, opts: DetectionOptions = {}, signals: readonly SignalDefinition[] = registry): Promise<SignalResult[]> {
  const chosen = opts.only ? signals.filter((s) => opts.only!.includes(s.id)) : signals;
  // Sequential on purpose: the pixel signals are CPU-bound on one thread, so running them
  // "concurrently" gains nothing and would make each signal's timing include the others'.
  const results: SignalResult[] = [];
  for (const def of chosen) results.push(await runOne(def, image, opts.heatmaps ?? true));
  return results;
}

/** The engine entry point: bytes in, report (or a typed refusal) out. Never throws for bad input. */
export async function runDetection(
  bytes: Buffer,
  opts: DetectionOptions = {},
  /** Test seam: run these signals instead of the registry. */
  signals: readonly SignalDefinition[] = registry,
): Promise<Result<DetectionReport, ImageError>> {
  const t0 = now();
  const decoded = await decodeImage(bytes, opts.predecoded?.analysis);
  if (!decoded.ok) return decoded;
  const image = decoded.value;
  const decodeMs = now() - t0;
  // The handed-over hash is that raster's: used only when decodeImage used the raster.
  const handed = opts.predecoded;
  const dh =
    handed?.analysis === image.analysis && handed.dhashInformative !== undefined
      ? { hash: handed.dhash, informative: handed.dhashInformative }
      : differenceHash(image.analysis, image.orientation);
  const results = await runSignals(image, opts, signals);
  // Every signal has settled, so its pixel planes can serve the next image. Not after a timeout: that
  // signal may still be running in the background and reading them.
  if (!results.some((r) => r.status === "error" && r.error?.startsWith("timed out"))) releasePlanes(image.analysis);
  const fused = fuse(results);
  const ml = results.find((r) => r.id === "ml" && r.status === "ok");
  const modelVersion = typeof ml?.details?.modelVersion === "string" ? ml.details.modelVersion : (ml?.version ?? null);
  return {
    ok: true,
    value: {
      engineVersion: ENGINE_VERSION,
      modelVersion,
      fusionVersion: fused.fusionVersion,
      verdict: fused.verdict,
      score: fused.score,
      confidence: fused.confidence,
      uncertainty: fused.uncertainty,
      reasons: fused.reasons,
      attribution: fused.attribution,
      signals: results,
      image: { ...image.info, analysedWidth: image.analysis.width, analysedHeight: image.analysis.height },
      timings: { decodeMs: Math.round(decodeMs * 10) / 10, totalMs: Math.round((now() - t0) * 10) / 10 },
      dhash: dh.hash,
      dhashInformative: dh.informative,
    },
  };
}
