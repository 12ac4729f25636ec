// Small dense logistic regression used by cli/fit-fusion.ts (and its tests).

/** L2-regularised, sample-weighted logistic regression by Newton's method (few features: exact solve). */
export function logisticFit(X: number[][], y: number[], w: number[], lambda: number, penalise: boolean[]): number[] {
  const d = X[0]!.length;
  let beta = new Array<number>(d).fill(0);
  for (let iter = 0; iter < 50; iter++) {
    const g = new Array<number>(d).fill(0);
    const H = Array.from({ length: d }, () => new Array<number>(d).fill(0));
    for (let i = 0; i < X.length; i++) {
      const xi = X[i]!;
      let z = 0;
      for (let j = 0; j < d; j++) z += beta[j]! * xi[j]!;
      const p = 1 / (1 + Math.exp(-z));
      const r = w[i]! * (p - y[i]!);
      const s = w[i]! * p * (1 - p);
      for (let j = 0; j < d; j++) {
        g[j]! += r * xi[j]!;
        for (let k = 0; k < d; k++) H[j]![k]! += s * xi[j]! * xi[k]!;
      }
    }
    for (let j = 0; j < d; j++) if (penalise[j]) { g[j]! += lambda * beta[j]!; H[j]![j]! += lambda; }
    const step = solve(H, g);
    beta = beta.map((b, j) => b - step[j]!);
    if (Math.max(...step.map(Math.abs)) < 1e-8) break;
  }
  return beta;
}

/** Gaussian elimination with partial pivoting (H is small and positive definite). */
function solve(A: number[][], b: number[]): number[] {
  const n = b.length;
  const M = A.map((row, i) => [...row, b[i]!]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(M[r]![c]!) > Math.abs(M[p]![c]!)) p = r;
    [M[c], M[p]] = [M[p]!, M[c]!];
    const piv = M[c]![c]! || 1e-12;
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = M[r]![c]! / piv;
      for (let k = c; k <= n; k++) M[r]![k]! -= f * M[c]![k]!;
    }
  }
  return M.map((row, i) => row[n]! / (row[i]! || 1e-12));
}

