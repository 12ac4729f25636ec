import Link from "next/link";
import { notFound } from "next/navigation";
import { getDb } from "@/db";
import { requirePageActor } from "@/lib/auth/session";
import { caseReport } from "@/lib/cases/case-report";
import { getCaseDetail } from "@/lib/cases/queries";
import { PrintButton } from "./_components/print-button";

export const dynamic = "force-dynamic";

const h2 = "mb-2 mt-6 border-b border-slate-200 pb-1 text-base font-semibold break-after-avoid";

/** The printable evidence report; the same content as GET /api/v1/cases/{id}/report. */
export default async function CaseReportPage({ params }: { params: Promise<{ id: string }> }) {
  await requirePageActor("viewQueue");
  const { id } = await params;
  const detail = await getCaseDetail(await getDb(), id);
  if (!detail) notFound();
  const r = caseReport(detail);
  const maps = r.signals.filter((s) => s.map);
  return (
    <article className="mx-auto max-w-4xl rounded-xl bg-white p-8 text-sm shadow-sm print:max-w-none print:p-0 print:shadow-none" data-testid="case-report">
      <header className="flex flex-wrap items-start justify-between gap-3">
        <div>
          <p className="text-xs uppercase tracking-wide text-slate-500">Loupe evidence report</p>
          <h1 className="font-mono text-xl font-semibold">{r.case.filename || r.case.id}</h1>
          <p className="text-slate-600">
            {r.case.id} · generated {new Date(r.generated_at).toLocaleString()}
          </p>
        </div>
        <div className="flex items-center gap-2 print:hidden">
          <Link href={`/cases/${r.case.id}`} className="text-slate-600 hover:underline">← Case</Link>
          <a href={`/api/v1/cases/${r.case.id}/report`} className="rounded-lg border border-slate-300 px-3 py-1.5 text-sm">JSON</a>
          <PrintButton />
        </div>
      </header>

      <p className="mt-4 rounded-lg bg-slate-50 p-3 text-base" data-testid="report-verdict">{r.verdict_sentence}</p>

      <h2 className={h2}>Image and maps</h2>
      {r.case.image_removed_at ? (
        <p className="rounded-lg border border-dashed border-slate-300 p-3 text-slate-600" data-testid="report-image-removed">
          The image ({r.image.width}×{r.image.height}, {r.image.format}, sha256 {r.image.sha256}) and its maps were removed on{" "}
          {new Date(r.case.image_removed_at).toLocaleString()} by the retention of the case&apos;s policy. The findings below were made from it.
        </p>
      ) : (
      <div className="grid grid-cols-2 gap-3 md:grid-cols-3">
        <figure className="break-inside-avoid">
          {/* eslint-disable-next-line @next/next/no-img-element */}
          <img src={r.image.links.display} alt="The submitted image" className="w-full rounded border border-slate-200" />
          <figcaption className="mt-1 text-xs text-slate-500">Original ({r.image.width}×{r.image.height})</figcaption>
        </figure>
        {maps.map((s) => (
          <figure key={s.id} className="break-inside-avoid">
            <div className="relative">
              {s.map!.kind === "spatial" && (
                // eslint-disable-next-line @next/next/no-img-element
                <img src={r.image.links.display} alt="" className="w-full rounded border border-slate-200" />
              )}
              {/* eslint-disable-next-line @next/next/no-img-element */}
              <img
                src={s.map!.url}
                alt={`${s.label} map`}
                className={s.map!.kind === "spatial" ? "absolute inset-0 h-full w-full rounded opacity-60" : "aspect-square w-full rounded"}
                style={{ imageRendering: "pixelated" }}
              />
            </div>
            <figcaption className="mt-1 text-xs text-slate-500">
              {s.label}: {s.map!.description}
            </figcaption>
          </figure>
        ))}
      </div>
      )}

      {r.detection && (
        <>
          <h2 className={h2}>Verdict</h2>
          <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1">
            <dt className="text-slate-500">Verdict</dt><dd>{r.detection.verdict.replace(/_/g, " ")}</dd>
            <dt className="text-slate-500">Score</dt><dd>{r.detection.score}/100 · confidence {(r.detection.confidence * 100).toFixed(0)}% · uncertainty {(r.detection.uncertainty * 100).toFixed(0)}%</dd>
            <dt className="text-slate-500">Policy at scan</dt>
            <dd>{r.detection.policy_at_scan ? `${r.detection.policy_at_scan.name}: quarantine ≥ ${r.detection.policy_at_scan.quarantine_threshold}, inconclusive → ${r.detection.policy_at_scan.inconclusive_action}` : "not recorded"}</dd>
            {r.detection.list_matches.length > 0 && (
              <>
                <dt className="text-slate-500">Image lists</dt>
                <dd data-testid="report-list-matches">
                  {r.detection.list_matches
                    .map((m) => `${m.list_name} (${m.action === "quarantine" ? "quarantines" : "clears"}; ${m.match === "same_file" ? "the same file" : `near-duplicate, ${m.distance}/64`}${m.list_id === r.detection?.policy_at_scan?.list_id ? "; decided the case" : ""})`)
                    .join(" · ")}
                </dd>
              </>
            )}
            <dt className="text-slate-500">Engine</dt><dd className="font-mono text-xs">{r.detection.engine_version} · {r.detection.fusion_version}{r.detection.model_version ? ` · ${r.detection.model_version}` : ""}</dd>
          </dl>
          <ol className="mt-2 list-decimal space-y-0.5 pl-5">
            {r.detection.reasons.map((x, i) => <li key={i}>{x}</li>)}
          </ol>
        </>
      )}

      <h2 className={h2}>Signals</h2>
      <table className="w-full" data-testid="report-signals">
        <thead className="text-left text-xs text-slate-500">
          <tr><th className="py-1 pr-2">Signal</th><th className="py-1 pr-2">Score</th><th className="py-1">Finding</th></tr>
        </thead>
        <tbody className="divide-y divide-slate-100 align-top">
          {r.signals.map((s) => (
            <tr key={s.id} className="break-inside-avoid">
              <td className="py-1 pr-2">{s.label} <span className="font-mono text-xs text-slate-600">{s.id} v{s.version}</span></td>
              <td className="py-1 pr-2 font-mono">{s.status === "ok" && s.score !== null ? (s.score * 100).toFixed(0) : s.status}</td>
              <td className="py-1">{s.summary}</td>
            </tr>
          ))}
        </tbody>
      </table>

      <h2 className={h2}>Provenance and metadata</h2>
      <ul className="space-y-1">
        {r.provenance.map((p) => (
          <li key={p.id}><strong>{p.label}:</strong> {p.summary}</li>
        ))}
      </ul>

      <h2 className={h2}>File</h2>
      <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1">
        <dt className="text-slate-500">SHA-256</dt><dd className="break-all font-mono text-xs">{r.image.sha256}</dd>
        <dt className="text-slate-500">dHash</dt><dd className="font-mono text-xs">{r.image.phash}</dd>
        <dt className="text-slate-500">Format</dt><dd>{r.image.mime}, {(r.image.size_bytes / 1024).toFixed(0)} KB</dd>
        <dt className="text-slate-500">Source</dt><dd>{r.case.source}{r.case.external_ref ? ` · ref ${r.case.external_ref}` : ""}</dd>
      </dl>

      <h2 className={h2}>Decisions</h2>
      {r.decisions.length === 0 ? (
        <p className="text-slate-500">No decision yet.</p>
      ) : (
        <ol className="space-y-1" data-testid="report-decisions">
          {r.decisions.map((d) => (
            <li key={d.id}>
              <strong>{d.outcome_label}</strong> by {d.reviewer}, {new Date(d.created_at).toLocaleString()} — {d.status.replace("_", " ")}
              {d.note && <span className="block text-slate-600">“{d.note}”</span>}
            </li>
          ))}
        </ol>
      )}

      {r.notes.length > 0 && (
        <>
          <h2 className={h2}>Notes</h2>
          <ol className="space-y-1" data-testid="report-notes">
            {r.notes.map((n) => (
              <li key={n.id}>
                <span className="whitespace-pre-wrap">{n.body}</span>
                <span className="block text-slate-600">
                  {n.author ?? "system"}
                  {n.via_api_key ? " (API key)" : ""}, {new Date(n.created_at).toLocaleString()}
                </span>
              </li>
            ))}
          </ol>
        </>
      )}

      <h2 className={h2}>History</h2>
      <ol className="space-y-0.5 font-mono text-xs text-slate-600">
        {r.history.map((e, i) => (
          <li key={i}>
            {new Date(e.at).toLocaleString()} · {e.action}
            {e.action === "case.transition" ? ` ${String(e.data.from)} → ${String(e.data.to)} (${String(e.data.reason)})` : ""}
          </li>
        ))}
      </ol>
    </article>
  );
}
