// The pixel-forensics maps alone (POST /api/v1/forensics): ELA, noise and the learned detector's patch
// map, each with its score and summary. Nothing is stored or cached: the bytes stay in memory.
import { z } from "zod";
import { authorize, type Ctx } from "../context";
import type { SignalResult } from "../detection";
import { AppError } from "../errors";
import { runEngine } from "./engine";
import { imageSource, loadImageSource, type ImageSource } from "./image-source";
import type { DetectDeps } from "./detect-image";

/** The signals that draw a map of where in the picture their evidence lies. */
export const FORENSIC_SIGNALS = ["ela", "noise", "ml"] as const;

export const analyseForensicsInput = z.object({ image: imageSource });

export interface AnalyseForensicsOutcome {
  image: { format: string; mime: string; width: number; height: number; bytes: number };
  signals: SignalResult[];
  latencyMs: number;
}

export async function analyseForensics({ ctx, input }: { ctx: Ctx; input: { image: ImageSource } }, deps: DetectDeps = {}): Promise<AnalyseForensicsOutcome> {
  const t0 = performance.now();
  authorize(ctx.actor, "submit");
  analyseForensicsInput.parse(input);
  const { bytes, param } = await loadImageSource(input.image, deps.fetch);
  const result = await runEngine(bytes, { heatmaps: true, only: [...FORENSIC_SIGNALS] });
  if (!result.ok) throw new AppError(result.error.code, result.error.message, { param });
  const r = result.value;
  return {
    image: { format: r.image.format, mime: r.image.mime, width: r.image.width, height: r.image.height, bytes: r.image.sizeBytes },
    signals: r.signals,
    latencyMs: Math.round(performance.now() - t0),
  };
}
