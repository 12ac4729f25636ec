// Content Credentials alone (POST /api/v1/c2pa/verify): the engine's c2pa signal, offline (no remote
// manifests, trust anchors from the repository). Nothing is stored or cached.
import { z } from "zod";
import { authorize, type Ctx } from "../context";
import type { SignalResult } from "../detection";
import type { DetectDeps } from "./detect-image";
import { imageSummary, runEngineOnSource } from "./engine";
import { imageSource, type ImageSource } from "./image-source";

export const verifyC2paInput = z.object({ image: imageSource });

export interface C2paOutcome {
  image: ReturnType<typeof imageSummary>;
  signal: SignalResult;
  latencyMs: number;
}

export async function verifyC2pa({ ctx, input }: { ctx: Ctx; input: { image: ImageSource } }, deps: DetectDeps = {}): Promise<C2paOutcome> {
  const t0 = performance.now();
  authorize(ctx.actor, "submit");
  verifyC2paInput.parse(input);
  const r = await runEngineOnSource(input.image, { heatmaps: false, only: ["c2pa"] }, deps.fetch);
  const signal = r.signals.find((s) => s.id === "c2pa");
  if (!signal) throw new Error("the engine ran without its c2pa signal");
  return { image: imageSummary(r), signal, latencyMs: Math.round(performance.now() - t0) };
}
