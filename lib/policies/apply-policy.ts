import type { Policy } from "../../db/schema";
import type { Verdict } from "../detection";

export type ScanOutcome = "quarantined" | "cleared";

/**
 * The policy's thresholds turn a detection into the case's next state. Pure. Three bands: a score at
 * or above the quarantine threshold quarantines; a score at or below the auto-clear threshold (when it
 * is on, > 0) clears whatever the verdict; in between, the verdict decides (AI on decisive evidence
 * quarantines, inconclusive follows the policy's inconclusive action, likely authentic clears).
 * lib/cases/verdict-sentence.ts explains each branch in words and must follow this one.
 */
export function applyPolicy(
  policy: Pick<Policy, "quarantineThreshold" | "inconclusiveAction"> & { autoClearThreshold?: number },
  detection: { verdict: Verdict; score: number },
): ScanOutcome {
  if (detection.score >= policy.quarantineThreshold) return "quarantined";
  if (inAutoClearBand(policy, detection.score)) return "cleared";
  if (detection.verdict === "ai_generated") return "quarantined";
  if (detection.verdict === "inconclusive") return policy.inconclusiveAction === "quarantine" ? "quarantined" : "cleared";
  return "cleared";
}

/** Auto-clear is off at 0 (the default), so existing policies keep their behaviour. */
export function inAutoClearBand(policy: { autoClearThreshold?: number }, score: number): boolean {
  const t = policy.autoClearThreshold ?? 0;
  return t > 0 && score <= t;
}
