import Link from "next/link";
import { notFound } from "next/navigation";
import { getDb } from "@/db";
import { StateBadge, VerdictLabel } from "@/components/state-badge";
import { caseDetailDto } from "@/lib/api/dto";
import { roleCan } from "@/lib/auth/roles";
import { canDecideState, canRescanState } from "@/lib/cases/transition";
import { requirePageActor } from "@/lib/auth/session";
import { getCaseDetail, nextCaseToReview } from "@/lib/cases/queries";
import { relatedCases } from "@/lib/cases/related-cases";
import { AutoRefresh } from "./_components/auto-refresh";
import { ApplySameDecision } from "./_components/apply-same-decision";
import { DecisionForm } from "./_components/decision-form";
import { EvidenceViewer } from "./_components/evidence-viewer";
import { RescanButton } from "./_components/rescan-button";
import { SignalTable } from "./_components/signal-table";

export const dynamic = "force-dynamic";


export default async function CasePage({ params }: { params: Promise<{ id: string }> }) {
  const actor = await requirePageActor("viewQueue");
  const { id } = await params;
  const db = await getDb();
  const detail = await getCaseDetail(db, id);
  if (!detail) notFound();
  const related = await relatedCases(db, detail.case.id, detail.image);
  const nextId = await nextCaseToReview(db, detail.case.id);
  const c = caseDetailDto(detail);
  const det = c.detection;
  const canDecide = roleCan(actor.role, "decide");
  const attribution = det?.attribution;
  const heatmaps = (det?.signals ?? []).flatMap((s) => (s.heatmap ? [{ signal: s.id, label: s.heatmap.label, url: s.heatmap.url }] : []));

  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-center gap-3">
        <Link href="/queue" className="text-sm text-slate-500 hover:underline">← Queue</Link>
        <h1 className="font-mono text-xl font-semibold">{c.filename || c.id}</h1>
        <StateBadge state={c.state} />
        {c.state === "scanning" || c.state === "pending_scan" || c.state === "retry_pending" ? (
          <span className="text-sm text-slate-600" role="status">
            The scan is in progress; this page updates by itself.
            <AutoRefresh />
          </span>
        ) : null}
        <span className="ml-auto flex items-center gap-2">
          {roleCan(actor.role, "rescan") && canRescanState(c.state) && <RescanButton caseId={c.id} />}
          {nextId && (
            <Link href={`/cases/${nextId}`} className="rounded bg-slate-900 px-3 py-1 text-sm text-white" data-testid="next-case">
              Next to review →
            </Link>
          )}
        </span>
      </div>

      <EvidenceViewer imageUrl={c.links.display_image} heatmaps={heatmaps} alt={c.filename} />

      <div className="grid grid-cols-1 gap-6 lg:grid-cols-3">
        <section className="space-y-4 rounded-lg border border-slate-200 bg-white p-4 lg:col-span-2">
          <h2 className="font-semibold">Signal breakdown</h2>
          {det ? <SignalTable signals={det.signals} /> : <p className="text-slate-500">No detection yet.</p>}
          {c.last_error && (
            <p className="break-words rounded border border-amber-200 bg-amber-50 p-2 text-sm text-amber-900">
              Last scan error (attempt {c.attempts}): {c.last_error}
            </p>
          )}
        </section>

        <aside className="space-y-4">
          <section className="rounded-lg border border-slate-200 bg-white p-4">
            <h2 className="mb-2 font-semibold">Verdict</h2>
            {det ? (
              <div className="space-y-2 text-sm">
                <div className="text-lg">
                  <VerdictLabel verdict={det.verdict} score={det.score} />
                </div>
                <div className="text-slate-600">
                  Confidence {(det.confidence * 100).toFixed(0)}% · uncertainty {(det.uncertainty * 100).toFixed(0)}%
                </div>
                {attribution?.mostLikely && (
                  <div data-testid="attribution">
                    Generator: <strong>{attribution.mostLikely}</strong> ({(attribution.confidence * 100).toFixed(0)}%, from {attribution.source})
                  </div>
                )}
                <ol className="list-decimal space-y-1 pl-5 text-slate-700" data-testid="reasons">
                  {det.reasons.map((r, i) => (
                    <li key={i}>{r}</li>
                  ))}
                </ol>
                <div className="text-xs text-slate-400">
                  {det.engine_version} · {det.fusion_version}
                  {det.model_version ? ` · ${det.model_version}` : ""}
                  {det.policy
                    ? ` · decided by policy ${det.policy.name} as it was at scan time (quarantine ≥ ${det.policy.quarantine_threshold}, inconclusive → ${det.policy.inconclusive_action})`
                    : ` · policy ${c.policy.name}`}
                </div>
              </div>
            ) : (
              <p className="text-sm text-slate-500">Not scanned yet.</p>
            )}
          </section>

          <section className="rounded-lg border border-slate-200 bg-white p-4">
            <h2 className="mb-2 font-semibold">Decision</h2>
            {c.decisions.map((d) => (
              <p key={d.id} className="mb-2 text-sm" data-testid="decision">
                <strong>{d.outcome.replace(/_/g, " ")}</strong> by {d.reviewer} · {new Date(d.created_at).toLocaleString()}
                {d.note && <span className="block text-slate-600">“{d.note}”</span>}
              </p>
            ))}
            {canDecide && canDecideState(c.state) ? (
              <>
                <ApplySameDecision caseId={c.id} related={related} />
                <DecisionForm caseId={c.id} />
              </>
            ) : c.decisions.length === 0 ? (
              <p className="text-sm text-slate-500">{canDecide ? "A decision can be made once the scan has finished." : "Moderators record decisions."}</p>
            ) : null}
          </section>

          <section className="rounded-lg border border-slate-200 bg-white p-4 text-sm" data-testid="related-cases">
            <h2 className="mb-2 font-semibold">Seen before</h2>
            {related.length === 0 ? (
              <p className="text-slate-500">No other case has this image or a near-duplicate of it.</p>
            ) : (
              <ul className="space-y-1">
                {related.map((r) => (
                  <li key={r.id} className="flex items-center gap-2">
                    <Link href={`/cases/${r.id}`} className="truncate font-mono underline-offset-2 hover:underline">
                      {r.filename || r.id}
                    </Link>
                    <StateBadge state={r.state} />
                    <span className="ml-auto text-xs text-slate-500">
                      {r.sameImage ? "same file" : `near-duplicate (${r.distance}/64)`}
                      {r.outcome ? ` · ${r.outcome.replace(/_/g, " ")}` : ""}
                    </span>
                  </li>
                ))}
              </ul>
            )}
          </section>

          <section className="rounded-lg border border-slate-200 bg-white p-4 text-sm">
            <h2 className="mb-2 font-semibold">Image</h2>
            <dl className="grid grid-cols-2 gap-x-2 gap-y-1 text-slate-600">
              <dt>Format</dt><dd>{c.image.mime}</dd>
              <dt>Size</dt><dd>{c.image.width}×{c.image.height}, {(c.image.size_bytes / 1024).toFixed(0)} KB</dd>
              <dt>SHA-256</dt><dd className="truncate font-mono text-xs" title={c.image.sha256}>{c.image.sha256}</dd>
              <dt>dHash</dt><dd className="font-mono text-xs">{c.image.phash}</dd>
              <dt>Source</dt><dd>{c.source}</dd>
            </dl>
          </section>

          {c.scans.length > 1 && (
            <section className="rounded-lg border border-slate-200 bg-white p-4 text-sm" data-testid="scan-history">
              <h2 className="mb-2 font-semibold">Scans</h2>
              <ol className="space-y-1 text-slate-700">
                {c.scans.map((x) => (
                  <li key={x.detection_id}>
                    Scan {x.scan}: <VerdictLabel verdict={x.verdict} score={x.score} />
                    <span className="text-slate-600">
                      {" "}
                      · {x.policy ? `${x.policy.outcome} by ${x.policy.name} (≥ ${x.policy.quarantine_threshold})` : "policy not recorded"} ·{" "}
                      {new Date(x.created_at).toLocaleString()}
                    </span>
                  </li>
                ))}
              </ol>
            </section>
          )}

          <section className="rounded-lg border border-slate-200 bg-white p-4 text-sm">
            <h2 className="mb-2 font-semibold">History</h2>
            <ol className="space-y-1 text-slate-600">
              {detail.history.map((e) => {
                const d = e.data;
                return (
                  <li key={e.id}>
                    <span className="font-mono text-xs text-slate-400">{e.createdAt.toLocaleTimeString()}</span>{" "}
                    {e.action === "case.transition" ? `${d.from} → ${d.to} (${d.reason})` : e.action}
                  </li>
                );
              })}
            </ol>
          </section>
        </aside>
      </div>
    </div>
  );
}
