"use client";

import Link from "next/link";
import { useEffect, useId, useState, useTransition } from "react";
import { CaseViewer, type OverlayRef } from "@/components/case-viewer";
import { VerdictLabel } from "@/components/state-badge";
import { signalPresentation } from "@/lib/cases/signal-labels";
import { quickCheckAction, sendToReviewAction } from "../actions";

type Result = Extract<Awaited<ReturnType<typeof quickCheckAction>>, { ok: true }>["data"];

/**
 * Quick check for editors: one image through the engine now (in its detection thread), the verdict,
 * maps and signals shown here without creating a case; "Send to review" then files it with that result.
 */
export function QuickCheck() {
  const inputId = useId();
  const [file, setFile] = useState<File | null>(null);
  const [preview, setPreview] = useState<string | null>(null);
  const [result, setResult] = useState<Result | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [filed, setFiled] = useState<string | null>(null);
  const [pending, start] = useTransition();

  useEffect(() => () => void (preview && URL.revokeObjectURL(preview)), [preview]);

  const check = (f: File) =>
    start(async () => {
      setFile(f);
      setResult(null);
      setFiled(null);
      setError(null);
      setPreview(URL.createObjectURL(f));
      const form = new FormData();
      form.set("file", f);
      const res = await quickCheckAction(undefined, form);
      if (res.ok) setResult(res.data);
      else setError(`${res.error.message} (${res.error.code})`);
    });
  const send = () =>
    start(async () => {
      if (!file) return;
      const form = new FormData();
      form.set("file", file);
      const res = await sendToReviewAction(undefined, form);
      if (res.ok) setFiled(res.data.caseId);
      else setError(`${res.error.message} (${res.error.code})`);
    });

  const overlays: OverlayRef[] = result?.heatmaps
    ? Object.entries(result.heatmaps).flatMap(([signal, h]) => {
        const p = signalPresentation(signal);
        return p.map === "spatial" && p.legend && h.data_url ? [{ signal, label: p.label, url: h.data_url, legend: p.legend, description: h.label }] : [];
      })
    : [];

  return (
    <section className="space-y-4 rounded-lg border border-slate-200 bg-white p-4" aria-labelledby={`${inputId}-heading`} data-testid="quick-check">
      <div>
        <h2 id={`${inputId}-heading`} className="text-lg font-semibold">Quick check</h2>
        <p className="text-sm text-slate-700">See the verdict on one image straight away, without filing a case. Send it to review afterwards if it needs a moderator.</p>
      </div>
      <div className="flex flex-wrap items-center gap-3">
        <label htmlFor={inputId} className="text-sm font-medium">Image to check</label>
        <input
          id={inputId}
          type="file"
          accept="image/*,.heic,.heif"
          disabled={pending}
          data-testid="quick-check-input"
          className="max-w-full text-sm file:mr-3 file:rounded file:border file:border-slate-500 file:bg-white file:px-2 file:py-1"
          onChange={(e) => {
            const f = e.target.files?.[0];
            if (f) check(f);
            e.target.value = "";
          }}
        />
        {pending && <span role="status" className="text-sm text-slate-700">Working…</span>}
      </div>
      {error && <p role="alert" className="rounded border border-red-300 bg-red-50 p-2 text-sm text-red-800">{error}</p>}
      {result && (
        <div className="grid grid-cols-1 gap-4 lg:grid-cols-[minmax(0,1fr)_20rem]" data-testid="quick-check-result">
          {preview && (
            <CaseViewer imageUrl={preview} alt={file?.name ?? "Checked image"} width={result.image.width} height={result.image.height} overlays={overlays} />
          )}
          <div className="space-y-3 text-sm">
            <p className="text-base">
              <VerdictLabel verdict={result.verdict} score={result.score} />
              {result.cached && <span className="ml-2 text-xs text-slate-600">(seen before: cached result)</span>}
            </p>
            <p data-testid="quick-check-outcome">
              Under the {result.policy.name} policy this would be <strong>{result.policy.outcome}</strong> (quarantine at score ≥ {result.policy.quarantine_threshold}).
            </p>
            <ul className="list-disc space-y-1 pl-5">
              {result.reasons.slice(0, 4).map((r, i) => (
                <li key={i}>{r}</li>
              ))}
            </ul>
            <dl className="grid grid-cols-[auto_minmax(0,1fr)] gap-x-3 gap-y-1">
              {Object.entries(result.signals).map(([id, s]) => (
                <div key={id} className="contents">
                  <dt className="text-slate-700">{signalPresentation(id).label}</dt>
                  <dd className="font-mono">{s.score === null ? "n/a" : Math.round(s.score * 100)}</dd>
                </div>
              ))}
            </dl>
            {filed ? (
              <p role="status" className="rounded border border-emerald-300 bg-emerald-50 p-2 text-emerald-900">
                Filed for review: <Link className="underline" href={`/cases/${filed}`} data-testid="quick-check-case">open the case</Link>
              </p>
            ) : (
              <button type="button" onClick={send} disabled={pending} className="rounded bg-slate-900 px-3 py-1.5 font-medium text-white disabled:opacity-50">
                Send to review
              </button>
            )}
          </div>
        </div>
      )}
    </section>
  );
}
