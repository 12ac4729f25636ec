import { describe, expect, it } from "vitest";
import { pointAt, rocCurve } from "./roc";

describe("rocCurve", () => {
  it("a perfect separation has AUC 1 and the right rates at each threshold", () => {
    const roc = rocCurve([
      { score: 90, ai: true },
      { score: 70, ai: true },
      { score: 30, ai: false },
      { score: 10, ai: false },
    ]);
    expect(roc.auc).toBe(1);
    expect(pointAt(roc, 50)).toEqual({ threshold: 50, tpr: 1, fpr: 0 });
    expect(pointAt(roc, 80)).toEqual({ threshold: 80, tpr: 0.5, fpr: 0 });
    expect(pointAt(roc, 20)).toEqual({ threshold: 20, tpr: 1, fpr: 0.5 });
    expect(pointAt(roc, 0)).toEqual({ threshold: 0, tpr: 1, fpr: 1 });
    expect(pointAt(roc, 101)).toEqual({ threshold: 101, tpr: 0, fpr: 0 });
    expect(roc.points.map((p) => p.threshold)).toEqual(Array.from({ length: 102 }, (_, i) => i));
  });

  it("an inverted ranking has AUC 0, ties count half, and one class alone has no AUC", () => {
    expect(rocCurve([{ score: 10, ai: true }, { score: 90, ai: false }]).auc).toBe(0);
    expect(rocCurve([{ score: 50, ai: true }, { score: 50, ai: false }]).auc).toBe(0.5);
    // Mann–Whitney: P(score_ai > score_real) + ½ P(tie) = (2 + ½) / 4 here.
    expect(rocCurve([{ score: 60, ai: true }, { score: 40, ai: true }, { score: 40, ai: false }, { score: 20, ai: false }]).auc).toBeCloseTo(0.875, 10);
    const one = rocCurve([{ score: 60, ai: true }]);
    expect(one.auc).toBeNull();
    expect(one.negatives).toBe(0);
  });
});
