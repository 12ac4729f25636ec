const STYLES: Record<string, string> = {
  pending_scan: "bg-slate-100 text-slate-700",
  scanning: "bg-sky-100 text-sky-800",
  retry_pending: "bg-amber-100 text-amber-800",
  manual_review: "bg-orange-100 text-orange-800",
  quarantined: "bg-red-100 text-red-800",
  cleared: "bg-emerald-100 text-emerald-800",
  reviewed: "bg-violet-100 text-violet-800",
};

export const STATE_LABELS: Record<string, string> = {
  pending_scan: "Pending scan",
  scanning: "Scanning",
  retry_pending: "Retry pending",
  manual_review: "Manual review",
  quarantined: "Quarantined",
  cleared: "Cleared",
  reviewed: "Reviewed",
};

export function StateBadge({ state }: { state: string }) {
  return (
    <span data-testid="state-badge" data-state={state} className={`rounded px-2 py-0.5 text-xs font-medium ${STYLES[state] ?? ""}`}>
      {STATE_LABELS[state] ?? state}
    </span>
  );
}

const VERDICT_STYLES: Record<string, string> = {
  ai_generated: "text-ai",
  likely_authentic: "text-authentic",
  inconclusive: "text-inconclusive",
};
const VERDICT_LABELS: Record<string, string> = {
  ai_generated: "AI-generated",
  likely_authentic: "Likely authentic",
  inconclusive: "Inconclusive",
};

export function VerdictLabel({ verdict, score }: { verdict: string | null; score: number | null }) {
  if (!verdict) return <span className="text-slate-600">—</span>;
  return (
    <span className={`font-medium ${VERDICT_STYLES[verdict] ?? ""}`} data-testid="verdict">
      {VERDICT_LABELS[verdict] ?? verdict}
      {score !== null && <span className="ml-1 font-mono text-xs text-slate-600">{score.toFixed(0)}</span>}
    </span>
  );
}
