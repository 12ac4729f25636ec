import { describe, expect, it } from "vitest";
import { applyPolicy, decidingMatch } from "./apply-policy";

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

describe("applyPolicy with image-list matches", () => {
  const quarantineList = { action: "quarantine" as const, listName: "known-ai" };
  const clearList = { action: "clear" as const, listName: "press" };

  it("a quarantine list quarantines and a clear list clears, whatever the score and verdict", () => {
    expect(applyPolicy(strict, { verdict: "likely_authentic", score: 2 }, [quarantineList])).toBe("quarantined");
    expect(applyPolicy(banded, { verdict: "likely_authentic", score: 5 }, [quarantineList])).toBe("quarantined");
    expect(applyPolicy(strict, { verdict: "ai_generated", score: 99 }, [clearList])).toBe("cleared");
  });

  it("a quarantine list wins over a clear list; no match leaves the thresholds to decide", () => {
    expect(applyPolicy(strict, { verdict: "likely_authentic", score: 2 }, [clearList, quarantineList])).toBe("quarantined");
    expect(decidingMatch([clearList, quarantineList])).toBe(quarantineList);
    expect(decidingMatch([clearList])).toBe(clearList);
    expect(decidingMatch([])).toBeNull();
    expect(applyPolicy(strict, { verdict: "likely_authentic", score: 61 }, [])).toBe("quarantined");
  });
});
