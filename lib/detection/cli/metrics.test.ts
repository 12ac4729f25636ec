import { describe, expect, it } from "vitest";
import { auc, ece, rates, tprAtFpr } from "./metrics";

describe("metrics", () => {
  it("auc: perfect, reversed, ties", () => {
    expect(auc([0.1, 0.2, 0.8, 0.9], [0, 0, 1, 1])).toBe(1);
    expect(auc([0.9, 0.8, 0.2, 0.1], [0, 0, 1, 1])).toBe(0);
    expect(auc([0.5, 0.5, 0.5, 0.5], [0, 1, 0, 1])).toBe(0.5);
    expect(auc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])).toBe(0.75);
  });
  it("ece is 0 for calibrated bins and large for overconfident ones", () => {
    expect(ece([1, 1, 0, 0], [1, 1, 0, 0])).toBe(0);
    expect(ece([0.95, 0.95], [0, 0])).toBeCloseTo(0.95);
  });
  it("rates and tpr at fpr", () => {
    expect(rates([0.9, 0.2, 0.7, 0.1], [1, 1, 0, 0], 0.5)).toEqual({ tpr: 0.5, fpr: 0.5, accuracy: 0.5 });
    const r = tprAtFpr([0.9, 0.8, 0.3, 0.6, 0.2, 0.1], [1, 1, 1, 0, 0, 0], 0);
    expect(r.tpr).toBeCloseTo(2 / 3);
  });
});
