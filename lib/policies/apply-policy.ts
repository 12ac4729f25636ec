import type { Policy } from "../../db/schema";
import type { Verdict } from "../detection";

export type ScanOutcome = "quarantined" | "cleared";

/** The policy's thresholds turn a detection into the case's next state. Pure. */
export function applyPolicy(
  policy: Pick<Policy, "quarantineThreshold" | "inconclusiveAction">,
  detection: { verdict: Verdict; score: number },
): ScanOutcome {
  if (detection.score >= policy.quarantineThreshold) return "quarantined";
  if (detection.verdict === "ai_generated") return "quarantined";
  if (detection.verdict === "inconclusive") return policy.inconclusiveAction === "quarantine" ? "quarantined" : "cleared";
  return "cleared";
}
