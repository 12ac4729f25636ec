import { describe, expect, it } from "vitest";
import { applyPolicy } from "./apply-policy";

const strict = { quarantineThreshold: 60, inconclusiveAction: "quarantine" as const };
const lenient = { quarantineThreshold: 80, inconclusiveAction: "clear" as const };

describe("applyPolicy", () => {
  it.each([
    [strict, "likely_authentic", 10, "cleared"],
    [strict, "likely_authentic", 60, "quarantined"],
    [strict, "inconclusive", 45, "quarantined"],
    [lenient, "inconclusive", 45, "cleared"],
    [lenient, "ai_generated", 70, "quarantined"],
    [lenient, "likely_authentic", 79.9, "cleared"],
  ] as const)("%o %s %d → %s", (policy, verdict, score, expected) => {
    expect(applyPolicy(policy, { verdict, score })).toBe(expected);
  });
});
