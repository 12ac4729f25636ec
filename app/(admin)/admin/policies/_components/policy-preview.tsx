"use client";

import type { ScoreBucket } from "@/lib/analytics/queries";
import { pointAt, rocCurve, type LabelledScore, type Roc } from "@/lib/analytics/roc";
import { applyPolicy, inAutoClearBand } from "@/lib/policies/apply-policy";

export interface PreviewData {
  /** The ROC curve from reviewed cases, one point per threshold 0…101. */
  roc: Roc;
  /** Last 30 days of scanned cases by integer score and verdict. */
  buckets: ScoreBucket[];
}

const pct = (x: number) => `${Math.round(x * 100)} %`;
const S = 160;

/** A curve with its two operating points: quarantine at ≥ t (filled) and auto-clear at ≤ a (hollow; the cases above a). */
function Curve({ roc, threshold, autoClear, className, dashed, testId }: { roc: Roc; threshold: number; autoClear: number; className: string; dashed?: boolean; testId: string }) {
  const path = roc.points.map((p) => `${(p.fpr * S).toFixed(1)},${(S - p.tpr * S).toFixed(1)}`).join(" ");
  const q = pointAt(roc, threshold);
  const a = pointAt(roc, autoClear + 1);
  return (
    <g data-testid={testId}>
      <polyline points={path} fill="none" className={className} strokeWidth={2} strokeDasharray={dashed ? "5 3" : undefined} />
      {autoClear > 0 && <circle cx={a.fpr * S} cy={S - a.tpr * S} r={4.5} className={className} fill="var(--color-white, white)" strokeWidth={2} data-testid={`${testId}-autoclear`} />}
      <circle cx={q.fpr * S} cy={S - q.tpr * S} r={5} className={`${className} fill-current`} strokeWidth={1.5} data-testid={`${testId}-quarantine`} />
    </g>
  );
}

/** What the thresholds would do: the last 30 days replayed, and where they sit on the ROC curves. Updates as the sliders move. */
export function PolicyPreview({
  data,
  threshold,
  autoClear,
  inconclusiveAction,
  uploaded,
}: {
  data: PreviewData;
  threshold: number;
  autoClear: number;
  inconclusiveAction: "quarantine" | "clear";
  /** Scores of an uploaded labelled set (lib/policies/score-labelled-set.ts), or null. */
  uploaded: LabelledScore[] | null;
}) {
  let quarantined = 0;
  let cleared = 0;
  let autoCleared = 0;
  const policy = { quarantineThreshold: threshold, autoClearThreshold: autoClear, inconclusiveAction };
  for (const b of data.buckets) {
    if (applyPolicy(policy, { verdict: b.verdict, score: b.score }) === "quarantined") quarantined += b.n;
    else {
      cleared += b.n;
      if (inAutoClearBand(policy, b.score)) autoCleared += b.n;
    }
  }
  const total = quarantined + cleared;
  const { roc } = data;
  const labelled = roc.positives > 0 && roc.negatives > 0;
  const set = uploaded ? rocCurve(uploaded) : null;
  const setLabelled = set !== null && set.positives > 0 && set.negatives > 0;
  const here = pointAt(roc, threshold);
  const below = pointAt(roc, autoClear + 1);
  const describe = (r: Roc, what: string) => {
    const q = pointAt(r, threshold);
    return `${what}: area ${r.auc!.toFixed(2)}; quarantine at ${threshold} detects ${pct(q.tpr)} with ${pct(q.fpr)} false alarms`;
  };
  const label = [labelled ? describe(roc, `ROC from ${roc.positives + roc.negatives} reviewed cases`) : "No reviewed-case curve yet", setLabelled ? describe(set!, `ROC from the uploaded set of ${set!.positives + set!.negatives} images`) : null]
    .filter(Boolean)
    .join(". ");
  return (
    <div className="grid grid-cols-1 gap-4 rounded border border-slate-200 bg-slate-50 p-3 text-sm sm:grid-cols-[auto_1fr]" data-testid="policy-preview">
      <figure className="w-48">
        <svg viewBox={`-12 -4 ${S + 18} ${S + 18}`} className="h-auto w-full" role="img" aria-label={`${label}.`}>
          <rect x={0} y={0} width={S} height={S} fill="var(--color-white, white)" className="stroke-slate-300" />
          <line x1={0} y1={S} x2={S} y2={0} className="stroke-slate-300" strokeDasharray="4 4" />
          {labelled && <Curve roc={roc} threshold={threshold} autoClear={autoClear} className="stroke-sky-700 text-sky-700" testId="roc-reviewed" />}
          {setLabelled && <Curve roc={set!} threshold={threshold} autoClear={autoClear} className="stroke-fuchsia-700 text-fuchsia-700" dashed testId="roc-uploaded" />}
          <text x={S / 2} y={S + 12} fontSize={9} textAnchor="middle" className="fill-slate-700">false alarms (FPR)</text>
          <text x={-4} y={S / 2} fontSize={9} textAnchor="middle" className="fill-slate-700" transform={`rotate(-90 -4 ${S / 2})`}>detected (TPR)</text>
        </svg>
        <figcaption className="mt-1 space-y-0.5 text-xs text-slate-700">
          <span className="block">
            <span aria-hidden className="text-sky-700">━ </span>
            {labelled ? `Reviewed cases: AUC ${roc.auc!.toFixed(2)} · ${roc.positives} AI / ${roc.negatives} authentic` : "Reviewed cases: needs decisions of both kinds"}
          </span>
          {set && (
            <span className="block" data-testid="roc-uploaded-caption">
              <span aria-hidden className="text-fuchsia-700">┅ </span>
              {setLabelled ? `Uploaded set: AUC ${set.auc!.toFixed(2)} · ${set.positives} AI / ${set.negatives} real` : "Uploaded set: needs scored images of both kinds"}
            </span>
          )}
          <span className="block">● quarantine point{autoClear > 0 ? " · ○ auto-clear point" : ""}</span>
        </figcaption>
      </figure>
      <div className="space-y-2" aria-live="polite">
        <p>
          <strong>Last 30 days:</strong>{" "}
          {total === 0 ? (
            "no scanned cases yet."
          ) : (
            <>
              this policy would have quarantined <strong data-testid="preview-quarantined">{quarantined}</strong> and cleared{" "}
              <strong data-testid="preview-cleared">{cleared}</strong> of {total} cases ({pct(quarantined / total)} quarantined)
              {autoClear > 0 && (
                <>
                  ; the auto-clear band alone clears <strong data-testid="preview-auto-cleared">{autoCleared}</strong>
                </>
              )}
              .
            </>
          )}
        </p>
        {labelled && (
          <p>
            <strong>On reviewed cases</strong>, a score ≥ {threshold} catches <strong>{pct(here.tpr)}</strong> of those reviewers confirmed as AI and flags{" "}
            <strong>{pct(here.fpr)}</strong> of those they found authentic (before provenance and the inconclusive rule).
            {autoClear > 0 && (
              <>
                {" "}
                Auto-clearing scores ≤ {autoClear} lets through <strong>{pct(1 - below.tpr)}</strong> of the confirmed AI and clears <strong>{pct(1 - below.fpr)}</strong> of the authentic.
              </>
            )}
          </p>
        )}
        {setLabelled && (
          <p data-testid="uploaded-summary">
            <strong>On the uploaded set</strong>, a score ≥ {threshold} catches <strong>{pct(pointAt(set!, threshold).tpr)}</strong> of the AI images and flags{" "}
            <strong>{pct(pointAt(set!, threshold).fpr)}</strong> of the real ones.
          </p>
        )}
        <p className="text-xs text-slate-700">Human decisions are the labels of the solid curve, so it reflects the images your moderators actually see.</p>
      </div>
    </div>
  );
}
