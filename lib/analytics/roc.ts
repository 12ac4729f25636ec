// ROC analysis of the engine's score against human decisions. Pure: used by the policy editor
// (server and client) and tested on its own.

/** One reviewed case: its fused score (0–100) and whether the reviewer confirmed it as AI. */
export interface LabelledScore {
  score: number;
  ai: boolean;
}

export interface RocPoint {
  /** Quarantine at score ≥ threshold. */
  threshold: number;
  tpr: number;
  fpr: number;
}

export interface Roc {
  positives: number;
  negatives: number;
  /** One point per integer threshold 0…101 (101 quarantines nothing), from (1,1) down to (0,0). */
  points: RocPoint[];
  /** Area under the curve (trapezoids); null without both classes. */
  auc: number | null;
}

export function rocCurve(samples: readonly LabelledScore[]): Roc {
  const positives = samples.filter((s) => s.ai).length;
  const negatives = samples.length - positives;
  // Counts of each class per integer score bucket, then suffix sums: how many score ≥ t.
  const pos = new Array<number>(102).fill(0);
  const neg = new Array<number>(102).fill(0);
  for (const s of samples) {
    const b = Math.min(100, Math.max(0, Math.floor(s.score)));
    (s.ai ? pos : neg)[b]! += 1;
  }
  // Lowering the threshold from 101 (nothing quarantined, the point (0,0)) to 0 (everything, (1,1)).
  const descending: RocPoint[] = [];
  let tp = 0;
  let fp = 0;
  for (let t = 101; t >= 0; t--) {
    tp += pos[t]!;
    fp += neg[t]!;
    descending.push({ threshold: t, tpr: positives ? tp / positives : 0, fpr: negatives ? fp / negatives : 0 });
  }
  let auc: number | null = null;
  if (positives && negatives) {
    // Trapezoids: cases tied on one score become a diagonal segment, i.e. they count half.
    auc = 0;
    for (let i = 1; i < descending.length; i++) {
      const a = descending[i - 1]!;
      const b = descending[i]!;
      auc += ((b.fpr - a.fpr) * (a.tpr + b.tpr)) / 2;
    }
  }
  return { positives, negatives, points: descending.reverse(), auc };
}

/** The curve's point for a threshold (clamped to 0…101). */
export function pointAt(roc: Roc, threshold: number): RocPoint {
  const t = Math.min(101, Math.max(0, Math.round(threshold)));
  return roc.points[t]!;
}
