import { describe, expect, it } from "vitest";
import { applyPolicy } from "../policies/apply-policy";
import { verdictSentence, type VerdictSentenceInput } from "./verdict-sentence";

type Det = NonNullable<VerdictSentenceInput["detection"]>;
const policy = (threshold: number, inconclusiveAction: "quarantine" | "clear", outcome: "quarantined" | "cleared") => ({
  name: "default",
  quarantineThreshold: threshold,
  inconclusiveAction,
  outcome,
});
const det = (verdict: Det["verdict"], score: number, p: Det["policy"]): Det => ({ verdict, score, policy: p });

describe("verdictSentence", () => {
  it.each<[string, VerdictSentenceInput, string]>([
    ["pending", { state: "pending_scan", detection: null }, "Waiting for a scan: there is no verdict yet."],
    ["scanning", { state: "scanning", detection: null }, "Being scanned now: there is no verdict yet."],
    ["retry", { state: "retry_pending", detection: null }, "The last scan attempt failed and will be retried: there is no verdict yet."],
    ["manual review", { state: "manual_review", detection: null }, "Needs a person: the scan could not finish, so no verdict or policy decided this case."],
    ["score over the threshold", { state: "quarantined", detection: det("ai_generated", 91, policy(50, "quarantine", "quarantined")) }, "Quarantined: score 91 ≥ policy threshold 50."],
    ["score at the threshold", { state: "quarantined", detection: det("inconclusive", 50, policy(50, "clear", "quarantined")) }, "Quarantined: score 50 ≥ policy threshold 50."],
    [
      "decisive AI verdict under the threshold",
      { state: "quarantined", detection: det("ai_generated", 40, policy(60, "clear", "quarantined")) },
      "Quarantined: the verdict is AI-generated on decisive evidence (provenance or watermark), which policy default quarantines whatever the score (40, threshold 60).",
    ],
    [
      "inconclusive, policy quarantines",
      { state: "quarantined", detection: det("inconclusive", 27, policy(50, "quarantine", "quarantined")) },
      "Quarantined: the verdict is inconclusive and policy default quarantines inconclusive cases (score 27 is below its threshold 50).",
    ],
    [
      "inconclusive, policy clears",
      { state: "cleared", detection: det("inconclusive", 27, policy(50, "clear", "cleared")) },
      "Cleared: the verdict is inconclusive and policy default clears inconclusive cases (score 27 is below its threshold 50).",
    ],
    ["authentic under the threshold", { state: "cleared", detection: det("likely_authentic", 12, policy(50, "quarantine", "cleared")) }, "Cleared: score 12 < policy threshold 50 and the verdict is likely authentic."],
    [
      "auto-clear band",
      { state: "cleared", detection: det("inconclusive", 12, { ...policy(50, "quarantine", "cleared"), autoClearThreshold: 20 }) },
      "Cleared: score 12 ≤ policy auto-clear threshold 20, which clears whatever the verdict.",
    ],
    [
      "between the bands, inconclusive quarantined",
      { state: "quarantined", detection: det("inconclusive", 27, { ...policy(50, "quarantine", "quarantined"), autoClearThreshold: 20 }) },
      "Quarantined: the verdict is inconclusive and policy default quarantines inconclusive cases (score 27 is between its auto-clear threshold 20 and its threshold 50).",
    ],
    [
      "between the bands, likely authentic",
      { state: "cleared", detection: det("likely_authentic", 30, { ...policy(50, "quarantine", "cleared"), autoClearThreshold: 20 }) },
      "Cleared: the verdict is likely authentic (score 30 is between its auto-clear threshold 20 and its threshold 50).",
    ],
    ["no snapshot", { state: "quarantined", detection: det("inconclusive", 27, null) }, "Quarantined by the policy in force at scan time; that scan did not record the policy's settings."],
    ["no detection", { state: "cleared", detection: null }, "Cleared without a recorded scan."],
    [
      "reviewed, with its decision and the scan's policy",
      { state: "reviewed", detection: det("ai_generated", 91, policy(50, "quarantine", "quarantined")), decision: { outcome: "confirmed_ai", reviewer: "mod@example.test" } },
      "Reviewed: confirmed AI-generated, decided by mod@example.test. Before review — Quarantined: score 91 ≥ policy threshold 50.",
    ],
    [
      "reviewed, no snapshot",
      { state: "reviewed", detection: det("likely_authentic", 8, null), decision: { outcome: "authentic", reviewer: "a@b.test" } },
      "Reviewed: authentic, decided by a@b.test. Before review — The scan's verdict was likely authentic (score 8).",
    ],
    [
      "on a quarantine list, same file, under the threshold",
      { state: "quarantined", detection: det("likely_authentic", 12, { ...policy(50, "clear", "quarantined"), list: { listName: "Known AI: campaign 7", action: "quarantine", match: "same_file", distance: 0 } }) },
      "Quarantined: the image is on the list “Known AI: campaign 7” (the same file), which quarantines its matches whatever the score (12).",
    ],
    [
      "on a clear list, near-duplicate, over the threshold",
      { state: "cleared", detection: det("ai_generated", 88, { ...policy(50, "quarantine", "cleared"), list: { listName: "Press photos", action: "clear", match: "near_duplicate", distance: 3 } }) },
      "Cleared: the image is on the list “Press photos” (a near-duplicate, 3 of 64 hash bits apart), which clears its matches whatever the score (88).",
    ],
    ["reviewed, no decision in force", { state: "reviewed", detection: null, decision: null }, "Reviewed by a moderator."],
    ["reviewed, needs more information", { state: "reviewed", detection: null, decision: { outcome: "needs_more_info", reviewer: "m" } }, "Reviewed: needs more information, decided by m."],
  ])("%s", (_name, input, expected) => {
    expect(verdictSentence(input)).toBe(expected);
  });

  it("uses the threshold stored with the scan, not a later one", () => {
    // The case was quarantined at threshold 20; today's policy says 80. The sentence cites 20.
    const s = verdictSentence({ state: "quarantined", detection: det("inconclusive", 35, policy(20, "clear", "quarantined")) });
    expect(s).toBe("Quarantined: score 35 ≥ policy threshold 20.");
  });

  it("agrees with applyPolicy on every verdict, threshold side and inconclusive action", () => {
    for (const verdict of ["ai_generated", "likely_authentic", "inconclusive"] as const) {
      for (const score of [10, 20, 30, 50, 90]) {
        for (const action of ["quarantine", "clear"] as const) {
          for (const autoClearThreshold of [0, 20]) {
            const outcome = applyPolicy({ quarantineThreshold: 50, autoClearThreshold, inconclusiveAction: action }, { verdict, score });
            const s = verdictSentence({ state: outcome, detection: det(verdict, score, { ...policy(50, action, outcome), autoClearThreshold }) });
            expect(s.startsWith(outcome === "quarantined" ? "Quarantined: " : "Cleared: ")).toBe(true);
            expect(s.includes("auto-clear threshold 20,")).toBe(autoClearThreshold === 20 && score <= 20);
            // A list match decides instead, and the sentence says so, whatever the thresholds said.
            for (const list of ["quarantine", "clear"] as const) {
              const listed = applyPolicy({ quarantineThreshold: 50, autoClearThreshold, inconclusiveAction: action }, { verdict, score }, [{ action: list }]);
              const ls = verdictSentence({
                state: listed,
                detection: det(verdict, score, { ...policy(50, action, listed), autoClearThreshold, list: { listName: "l", action: list, match: "same_file", distance: 0 } }),
              });
              expect(ls.startsWith(listed === "quarantined" ? "Quarantined: the image is on the list" : "Cleared: the image is on the list")).toBe(true);
              expect(listed).toBe(list === "quarantine" ? "quarantined" : "cleared");
            }
          }
        }
      }
    }
  });
});
