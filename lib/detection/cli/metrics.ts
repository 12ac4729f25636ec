// Detection metrics: ROC AUC (rank-based, ties averaged), ECE, operating points.

/** Area under the ROC curve; labels 1 = AI. NaN when a class is absent. */
export function auc(scores: number[], labels: number[]): number {
  const idx = scores.map((s, i) => i).sort((a, b) => scores[a]! - scores[b]!);
  const ranks = new Array<number>(scores.length);
  for (let i = 0; i < idx.length; ) {
    let j = i;
    while (j + 1 < idx.length && scores[idx[j + 1]!] === scores[idx[i]!]) j++;
    for (let k = i; k <= j; k++) ranks[idx[k]!] = (i + j) / 2 + 1;
    i = j + 1;
  }
  let pos = 0;
  let rankSum = 0;
  labels.forEach((l, i) => { if (l === 1) { pos++; rankSum += ranks[i]!; } });
  const neg = labels.length - pos;
  if (!pos || !neg) return NaN;
  return (rankSum - (pos * (pos + 1)) / 2) / (pos * neg);
}

/** Expected calibration error over `bins` equal-width probability bins. */
export function ece(probs: number[], labels: number[], bins = 10): number {
  let total = 0;
  for (let b = 0; b < bins; b++) {
    const inBin = probs.map((p, i) => i).filter((i) => (b === bins - 1 ? probs[i]! >= b / bins : probs[i]! >= b / bins && probs[i]! < (b + 1) / bins));
    if (!inBin.length) continue;
    const conf = inBin.reduce((a, i) => a + probs[i]!, 0) / inBin.length;
    const acc = inBin.reduce((a, i) => a + labels[i]!, 0) / inBin.length;
    total += (inBin.length / probs.length) * Math.abs(conf - acc);
  }
  return total;
}

export function rates(probs: number[], labels: number[], threshold: number): { tpr: number; fpr: number; accuracy: number } {
  let tp = 0, fp = 0, tn = 0, fn = 0;
  probs.forEach((p, i) => {
    const ai = p >= threshold;
    if (labels[i] === 1) ai ? tp++ : fn++;
    else ai ? fp++ : tn++;
  });
  return { tpr: tp / Math.max(1, tp + fn), fpr: fp / Math.max(1, fp + tn), accuracy: (tp + tn) / Math.max(1, probs.length) };
}

/** Highest TPR with FPR ≤ maxFpr (threshold just above the ⌊maxFpr·n⌋-th highest negative). */
export function tprAtFpr(probs: number[], labels: number[], maxFpr: number): { tpr: number; threshold: number } {
  const neg = probs.filter((_, i) => labels[i] === 0).sort((a, b) => b - a);
  const allowed = Math.floor(maxFpr * neg.length);
  const threshold = neg.length ? (allowed < neg.length ? neg[allowed]! + 1e-12 : 0) : 0;
  return { tpr: rates(probs, labels, threshold).tpr, threshold };
}
