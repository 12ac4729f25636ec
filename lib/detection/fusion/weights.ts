// The fusion model's on-disk shape (weights.json, written by cli/fit-fusion.ts) and its loader.
import { z } from "zod";
import weightsJson from "./weights.json";

export const fusionWeightsSchema = z.object({
  /** Stamped into every report as `fusionVersion`. */
  version: z.string(),
  fittedAt: z.string().nullable(),
  /** What the weights were fitted on (dataset, n, signal versions). */
  trainedOn: z.record(z.string(), z.unknown()),
  bias: z.number(),
  /**
   * One entry per signal. Feature = logit(clamp(score)) when the signal produced a score; otherwise the
   * training mean of that feature is imputed and `missingWeight` is added (missing-indicator feature).
   */
  features: z.array(
    z.object({
      id: z.string(),
      version: z.string(),
      mean: z.number(),
      weight: z.number(),
      missingWeight: z.number(),
    }),
  ),
  /** Default decision thresholds on the fused probability; the app's policies may override them. */
  thresholds: z.object({ ai: z.number().min(0).max(1), authentic: z.number().min(0).max(1) }),
  metrics: z.record(z.string(), z.unknown()).optional(),
});

export type FusionWeights = z.infer<typeof fusionWeightsSchema>;

export const defaultWeights: FusionWeights = fusionWeightsSchema.parse(weightsJson);

/** Clamp then logit: the feature transform shared by fuse.ts and fit.ts. */
export function scoreFeature(score: number): number {
  const p = Math.min(0.995, Math.max(0.005, score));
  return Math.log(p / (1 - p));
}
