import type { Policy } from "../../db/schema";
import type { Verdict } from "../detection";
import type { ListMatch } from "../../db/schema/image-lists";

export type ScanOutcome = "quarantined" | "cleared";

/**
 * The policy's thresholds turn a detection into the case's next state. Pure. First the image lists the
 * image matched (lib/lists/): a quarantine list quarantines and, failing one, a clear list clears,
 * whatever the score. Then three bands: a score at
 * or above the quarantine threshold quarantines; a score at or below the auto-clear threshold (when it
 * is on, > 0) clears whatever the verdict; in between, the verdict decides (AI on decisive evidence
 * quarantines, inconclusive follows the policy's inconclusive action, likely authentic clears).
 * lib/cases/verdict-sentence.ts explains each branch in words and must follow this one.
 */
export function applyPolicy(
  policy: Pick<Policy, "quarantineThreshold" | "inconclusiveAction"> & { autoClearThreshold?: number },
  detection: { verdict: Verdict; score: number },
  matches: readonly Pick<ListMatch, "action">[] = [],
): ScanOutcome {
  const listed = decidingMatch(matches);
  if (listed) return listed.action === "quarantine" ? "quarantined" : "cleared";
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

/** The list match that decides a case: any quarantine list before any clear list; none without matches. */
export function decidingMatch<M extends Pick<ListMatch, "action">>(matches: readonly M[]): M | null {
  return matches.find((m) => m.action === "quarantine") ?? matches.find((m) => m.action === "clear") ?? null;
}
