// Content Credentials alone (POST /api/v1/c2pa/verify): the engine's c2pa signal, offline (no remote
// manifests, trust anchors from the repository). Nothing is stored or cached.
import { z } from "zod";
import { authorize, type Ctx } from "../context";
import type { SignalResult } from "../detection";
import { AppError } from "../errors";
import { runEngine } from "./engine";
import { imageSource, loadImageSource, type ImageSource } from "./image-source";
import type { DetectDeps } from "./detect-image";

export const verifyC2paInput = z.object({ image: imageSource });

export interface C2paOutcome {
  image: { format: string; mime: string; width: number; height: number; bytes: number };
  signal: SignalResult;
  latencyMs: number;
}

export async function verifyC2pa({ ctx, input }: { ctx: Ctx; input: { image: ImageSource } }, deps: DetectDeps = {}): Promise<C2paOutcome> {
  const t0 = performance.now();
  authorize(ctx.actor, "submit");
  verifyC2paInput.parse(input);
  const { bytes, param } = await loadImageSource(input.image, deps.fetch);
  const result = await runEngine(bytes, { heatmaps: false, only: ["c2pa"] });
  if (!result.ok) throw new AppError(result.error.code, result.error.message, { param });
  const r = result.value;
  const signal = r.signals.find((s) => s.id === "c2pa");
  if (!signal) throw new Error("the engine ran without its c2pa signal");
  return {
    image: { format: r.image.format, mime: r.image.mime, width: r.image.width, height: r.image.height, bytes: r.image.sizeBytes },
    signal,
    latencyMs: Math.round(performance.now() - t0),
  };
}
