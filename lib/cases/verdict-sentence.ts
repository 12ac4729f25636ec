// The verdict in plain words: one sentence saying what decided a case, from the policy as it was when
// the case was scanned (the detection's policy snapshot), not the policy as it is today. Pure; shared
// by the case page and the evidence report. Mirrors lib/policies/apply-policy.ts branch for branch,
// image lists first.
import { inAutoClearBand } from "../policies/apply-policy";
import type { CaseStateValue, DecisionOutcome, InconclusiveAction } from "../../db/schema/enums";

export type VerdictValue = "ai_generated" | "likely_authentic" | "inconclusive";

export const OUTCOME_LABELS: Record<DecisionOutcome, string> = {
  confirmed_ai: "confirmed AI-generated",
  authentic: "authentic",
  needs_more_info: "needs more information",
};

const VERDICT_WORDS: Record<VerdictValue, string> = {
  ai_generated: "AI-generated",
  likely_authentic: "likely authentic",
  inconclusive: "inconclusive",
};

export interface VerdictSentenceInput {
  state: CaseStateValue;
  detection: {
    verdict: VerdictValue;
    /** 0..100 */
    score: number;
    policy: {
      name: string;
      quarantineThreshold: number;
      autoClearThreshold?: number;
      inconclusiveAction: InconclusiveAction;
      outcome: "quarantined" | "cleared";
      /** The image list that decided instead of the thresholds. */
      list?: { listName: string; action: "quarantine" | "clear"; match: "same_file" | "near_duplicate"; distance: number };
    } | null;
  } | null;
  /** The decision in force, for reviewed cases. */
  decision?: { outcome: DecisionOutcome; reviewer: string } | null;
}

/** What the scan and its policy did, e.g. "Quarantined: score 91 ≥ policy threshold 50." */
function scanSentence(d: NonNullable<VerdictSentenceInput["detection"]>, outcome: "quarantined" | "cleared"): string {
  const label = outcome === "quarantined" ? "Quarantined" : "Cleared";
  const p = d.policy;
  if (!p) return `${label} by the policy in force at scan time; that scan did not record the policy's settings.`;
  const score = Math.round(d.score);
  if (p.list) {
    const how = p.list.match === "same_file" ? "the same file" : `a near-duplicate, ${p.list.distance} of 64 hash bits apart`;
    const does = p.list.action === "quarantine" ? "quarantines" : "clears";
    return `${label}: the image is on the list “${p.list.listName}” (${how}), which ${does} its matches whatever the score (${score}).`;
  }
  const t = p.quarantineThreshold;
  if (d.score >= t) return `${label}: score ${score} ≥ policy threshold ${t}.`;
  const a = p.autoClearThreshold ?? 0;
  if (inAutoClearBand(p, d.score)) return `${label}: score ${score} ≤ policy auto-clear threshold ${a}, which clears whatever the verdict.`;
  // With an auto-clear band the score sits between the two thresholds; without one, below the quarantine threshold.
  const where = a > 0 ? `score ${score} is between its auto-clear threshold ${a} and its threshold ${t}` : `score ${score} is below its threshold ${t}`;
  if (d.verdict === "ai_generated") {
    return `${label}: the verdict is AI-generated on decisive evidence (provenance or watermark), which policy ${p.name} quarantines whatever the score (${score}, threshold ${t}).`;
  }
  if (d.verdict === "inconclusive") {
    return p.inconclusiveAction === "quarantine"
      ? `${label}: the verdict is inconclusive and policy ${p.name} quarantines inconclusive cases (${where}).`
      : `${label}: the verdict is inconclusive and policy ${p.name} clears inconclusive cases (${where}).`;
  }
  if (a > 0) return `${label}: the verdict is likely authentic (${where}).`;
  return `${label}: score ${score} < policy threshold ${t} and the verdict is likely authentic.`;
}

export function verdictSentence(input: VerdictSentenceInput): string {
  const d = input.detection;
  switch (input.state) {
    case "pending_scan":
      return "Waiting for a scan: there is no verdict yet.";
    case "scanning":
      return "Being scanned now: there is no verdict yet.";
    case "retry_pending":
      return "The last scan attempt failed and will be retried: there is no verdict yet.";
    case "manual_review":
      return "Needs a person: the scan could not finish, so no verdict or policy decided this case.";
    case "quarantined":
    case "cleared":
      if (!d) return `${input.state === "quarantined" ? "Quarantined" : "Cleared"} without a recorded scan.`;
      return scanSentence(d, input.state);
    case "reviewed": {
      const who = input.decision ? `Reviewed: ${OUTCOME_LABELS[input.decision.outcome]}, decided by ${input.decision.reviewer}.` : "Reviewed by a moderator.";
      if (!d) return who;
      const before = d.policy ? scanSentence(d, d.policy.outcome) : `The scan's verdict was ${VERDICT_WORDS[d.verdict]} (score ${Math.round(d.score)}).`;
      return `${who} Before review — ${before}`;
    }
  }
}

/** One-line explanations of the three numbers the case page shows (tooltips). */
export const NUMBER_HINTS = {
  score: "Score 0–100: the engine's estimate, as a percentage, that the image is AI-generated. The policy compares it with its threshold.",
  confidence: "Confidence: how sure the engine is of its verdict. Low for an inconclusive verdict whose score sits near the middle.",
  uncertainty: "Uncertainty: how much the evidence disagrees or is missing. High when signals point different ways or could not run.",
} as const;
