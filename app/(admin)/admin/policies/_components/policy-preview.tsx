"use client";

import type { ScoreBucket } from "@/lib/analytics/queries";
import type { RocPoint } from "@/lib/analytics/roc";
import { applyPolicy } from "@/lib/policies/apply-policy";

export interface PreviewData {
  /** The ROC curve from reviewed cases, one point per threshold 0…101. */
  roc: { points: RocPoint[]; positives: number; negatives: number; auc: number | null };
  /** Last 30 days of scanned cases by integer score and verdict. */
  buckets: ScoreBucket[];
}

const pct = (x: number) => `${Math.round(x * 100)} %`;

/** What a threshold would do: the last 30 days replayed, and where it sits on the ROC curve. Updates as the slider moves. */
export function PolicyPreview({ data, threshold, inconclusiveAction }: { data: PreviewData; threshold: number; inconclusiveAction: "quarantine" | "clear" }) {
  let quarantined = 0;
  let cleared = 0;
  for (const b of data.buckets) {
    if (applyPolicy({ quarantineThreshold: threshold, inconclusiveAction }, { verdict: b.verdict, score: b.score }) === "quarantined") quarantined += b.n;
    else cleared += b.n;
  }
  const total = quarantined + cleared;
  const { roc } = data;
  const here = roc.points[Math.min(101, Math.max(0, threshold))]!;
  const S = 160;
  const path = roc.points.map((p) => `${(p.fpr * S).toFixed(1)},${(S - p.tpr * S).toFixed(1)}`).join(" ");
  const labelled = roc.positives > 0 && roc.negatives > 0;
  return (
    <div className="grid grid-cols-1 gap-4 rounded border border-slate-200 bg-slate-50 p-3 text-sm sm:grid-cols-[auto_1fr]" data-testid="policy-preview">
      <figure className="w-44">
        <svg viewBox={`-12 -4 ${S + 18} ${S + 18}`} className="h-auto w-full" role="img" aria-label={labelled ? `ROC curve from ${roc.positives + roc.negatives} reviewed cases, area ${roc.auc!.toFixed(2)}; the threshold ${threshold} sits at ${pct(here.tpr)} detection and ${pct(here.fpr)} false alarms.` : "No ROC curve yet: it needs reviewed cases decided both as AI and as authentic."}>
          <rect x={0} y={0} width={S} height={S} fill="var(--color-white)" stroke="var(--color-slate-300)" />
          <line x1={0} y1={S} x2={S} y2={0} stroke="var(--color-slate-300)" strokeDasharray="4 4" />
          {labelled && (
            <>
              <polyline points={path} fill="none" stroke="var(--color-sky-700)" strokeWidth={2} />
              <circle cx={here.fpr * S} cy={S - here.tpr * S} r={5} fill="var(--color-ai)" stroke="var(--color-white)" strokeWidth={1.5} />
            </>
          )}
          <text x={S / 2} y={S + 12} fontSize={9} textAnchor="middle" fill="var(--color-slate-700)">false alarms (FPR)</text>
          <text x={-4} y={S / 2} fontSize={9} textAnchor="middle" fill="var(--color-slate-700)" transform={`rotate(-90 -4 ${S / 2})`}>detected (TPR)</text>
        </svg>
        <figcaption className="mt-1 text-xs text-slate-700">{labelled ? `AUC ${roc.auc!.toFixed(2)} · ${roc.positives} AI / ${roc.negatives} authentic reviewed` : "Needs reviewed cases of both kinds"}</figcaption>
      </figure>
      <div className="space-y-2" aria-live="polite">
        <p>
          <strong>Last 30 days:</strong>{" "}
          {total === 0 ? (
            "no scanned cases yet."
          ) : (
            <>
              this policy would have quarantined <strong data-testid="preview-quarantined">{quarantined}</strong> and cleared{" "}
              <strong data-testid="preview-cleared">{cleared}</strong> of {total} cases ({pct(quarantined / total)} quarantined).
            </>
          )}
        </p>
        {labelled && (
          <p>
            <strong>On reviewed cases</strong>, a score ≥ {threshold} catches <strong>{pct(here.tpr)}</strong> of those reviewers confirmed as AI and flags{" "}
            <strong>{pct(here.fpr)}</strong> of those they found authentic (before provenance and the inconclusive rule).
          </p>
        )}
        <p className="text-xs text-slate-600">Human decisions are the labels, so the curve reflects the images your moderators actually see.</p>
      </div>
    </div>
  );
}
