import { describe, expect, it } from "vitest";
import { applyPolicy } from "./apply-policy";

const strict = { quarantineThreshold: 60, inconclusiveAction: "quarantine" as const };
const lenient = { quarantineThreshold: 80, inconclusiveAction: "clear" as const };
const banded = { quarantineThreshold: 70, autoClearThreshold: 20, inconclusiveAction: "quarantine" as const };

describe("applyPolicy", () => {
  it.each([
    [strict, "likely_authentic", 10, "cleared"],
    [strict, "likely_authentic", 60, "quarantined"],
    [strict, "inconclusive", 45, "quarantined"],
    // Auto-clear off (absent or 0): a low inconclusive score still follows the inconclusive action.
    [strict, "inconclusive", 0, "quarantined"],
    [{ ...strict, autoClearThreshold: 0 }, "ai_generated", 0, "quarantined"],
    [lenient, "inconclusive", 45, "cleared"],
    [lenient, "ai_generated", 70, "quarantined"],
    [lenient, "likely_authentic", 79.9, "cleared"],
    // Three bands: ≤ auto-clear clears whatever the verdict, ≥ quarantine quarantines, between the verdict decides.
    [banded, "inconclusive", 20, "cleared"],
    [banded, "ai_generated", 12, "cleared"],
    [banded, "inconclusive", 20.5, "quarantined"],
    [banded, "ai_generated", 40, "quarantined"],
    [banded, "likely_authentic", 40, "cleared"],
    [banded, "likely_authentic", 70, "quarantined"],
  ] as const)("%o %s %d → %s", (policy, verdict, score, expected) => {
    expect(applyPolicy(policy, { verdict, score })).toBe(expected);
  });
});
