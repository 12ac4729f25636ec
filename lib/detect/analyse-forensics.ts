// The pixel-forensics maps alone (POST /api/v1/forensics): ELA, noise and the learned detector's patch
// map, each with its score and summary. Nothing is stored or cached: the bytes stay in memory.
import { z } from "zod";
import { authorize, type Ctx } from "../context";
import type { SignalResult } from "../detection";
import type { DetectDeps } from "./detect-image";
import { imageSummary, runEngineOnSource } from "./engine";
import { imageSource, type ImageSource } from "./image-source";

/** The signals that draw a map of where in the picture their evidence lies. */
export const FORENSIC_SIGNALS = ["ela", "noise", "ml"] as const;

export const analyseForensicsInput = z.object({ image: imageSource });

export interface AnalyseForensicsOutcome {
  image: ReturnType<typeof imageSummary>;
  signals: SignalResult[];
  latencyMs: number;
}

export async function analyseForensics({ ctx, input }: { ctx: Ctx; input: { image: ImageSource } }, deps: DetectDeps = {}): Promise<AnalyseForensicsOutcome> {
  const t0 = performance.now();
  authorize(ctx.actor, "submit");
  analyseForensicsInput.parse(input);
  const r = await runEngineOnSource(input.image, { heatmaps: true, only: [...FORENSIC_SIGNALS] }, deps.fetch);
  return { image: imageSummary(r), signals: r.signals, latencyMs: Math.round(performance.now() - t0) };
}
