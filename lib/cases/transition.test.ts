import { describe, expect, it } from "vitest";
import { canTransition, TRANSITIONS } from "./transition";

describe("case state machine", () => {
  it.each([
    ["pending_scan", "scanning", true],
    ["retry_pending", "scanning", true],
    ["scanning", "scanning", true], // an expired lease taken over
    ["scanning", "quarantined", true],
    ["scanning", "cleared", true],
    ["scanning", "retry_pending", true],
    ["scanning", "manual_review", true],
    ["quarantined", "reviewed", true],
    ["cleared", "reviewed", true],
    ["manual_review", "reviewed", true],
    ["reviewed", "pending_scan", true], // rescan
    ["pending_scan", "reviewed", false], // nobody decides an unscanned case
    ["pending_scan", "quarantined", false],
    ["reviewed", "reviewed", false],
    ["cleared", "quarantined", false],
    ["scanning", "reviewed", false],
    ["retry_pending", "cleared", false],
  ] as const)("%s → %s: %s", (from, to, allowed) => {
    expect(canTransition(from, to)).toBe(allowed);
  });

  it("every state is reachable and every state can be left", () => {
    const states = Object.keys(TRANSITIONS);
    for (const s of states) {
      expect(TRANSITIONS[s as keyof typeof TRANSITIONS].length).toBeGreaterThan(0);
      expect(states.some((to) => TRANSITIONS[to as keyof typeof TRANSITIONS].includes(s as never))).toBe(true);
    }
  });
});
