"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { Fragment, useState, useTransition } from "react";
import { StateBadge, VerdictLabel } from "@/components/state-badge";
import { DECISION_OUTCOMES, type DecisionOutcome } from "@/db/schema/enums";
import type { ActionResult } from "@/lib/actions";
import type { BulkCaseResult } from "@/lib/cases/decide-cases";
import { bulkDecideAction, bulkRescanAction } from "../actions";
import { utcMinute } from "@/lib/format-time";

export interface QueueTableRow {
  id: string;
  state: string;
  verdict: string | null;
  score: number | null;
  filename: string;
  externalRef: string | null;
  source: string;
  createdAt: string;
  image: { format: string; width: number; height: number; sizeBytes: number; sha256: string };
  decision: { outcome: string; reviewer: string; at: string } | null;
  duplicateOf: { caseId: string; outcome: string } | null;
  /** The grouped view's duplicate group under the view's filters (lib/cases/queue-queries.ts). */
  group: { size: number; caseIds: string[] } | null;
  /** Blurred thumbnail: the case's policy hides images until a reviewer reveals them on the case page. */
  blur: boolean;
  /** The retention removed the image: a placeholder instead of the thumbnail. */
  imageRemoved: boolean;
  /** Notes on the case. */
  notes: number;
  /** The image list that decided the latest scan instead of the thresholds. */
  decidedByList: { name: string; action: "quarantine" | "clear" } | null;
}

const OUTCOME_LABELS: Record<DecisionOutcome, string> = { confirmed_ai: "Confirmed AI", authentic: "Authentic", needs_more_info: "Needs more info" };
const outcomeLabel = (o: string) => OUTCOME_LABELS[o as DecisionOutcome] ?? o;

/** The same text on the server and in the browser (no locale or time zone), so hydration matches. */
const when = utcMinute;
const size = (b: number) => (b >= 1024 * 1024 ? `${(b / (1024 * 1024)).toFixed(1)} MB` : `${Math.max(1, Math.round(b / 1024))} KB`);

export function QueueTable({ rows, canDecide, canRescan }: { rows: QueueTableRow[]; canDecide: boolean; canRescan: boolean }) {
  const bulk = canDecide || canRescan;
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [open, setOpen] = useState<Set<string>>(new Set());
  const onPage = rows.map((r) => r.id);
  const picked = onPage.filter((id) => selected.has(id));
  // A grouped row stands for its whole group: a bulk action applies to every case in it.
  const members = new Map(rows.map((r) => [r.id, r.group?.caseIds ?? [r.id]]));
  const targets = [...new Set(picked.flatMap((id) => members.get(id) ?? [id]))];
  const all = picked.length === onPage.length && onPage.length > 0;
  const toggle = (id: string, on: boolean) =>
    setSelected((s) => {
      const n = new Set(s);
      if (on) n.add(id);
      else n.delete(id);
      return n;
    });

  if (rows.length === 0) return <p className="rounded border border-slate-200 bg-white p-6 text-slate-600" data-testid="queue-empty">No cases match this view.</p>;
  return (
    <div className="space-y-3">
      {bulk && <BulkBar caseIds={targets} canDecide={canDecide} canRescan={canRescan} onDone={() => setSelected(new Set())} />}
      <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white" tabIndex={0} role="region" aria-label="Cases">
        <table className="w-full min-w-[52rem] text-sm" data-testid="queue-table">
          <thead className="bg-slate-50 text-left text-slate-600">
            <tr>
              {bulk && (
                <th scope="col" className="w-10 px-3 py-2">
                  <input
                    type="checkbox"
                    aria-label="Select every case on this page"
                    checked={all}
                    ref={(el) => {
                      if (el) el.indeterminate = picked.length > 0 && !all;
                    }}
                    onChange={(e) => setSelected(e.target.checked ? new Set(onPage) : new Set())}
                    className="h-4 w-4"
                    data-testid="select-all"
                  />
                </th>
              )}
              <th scope="col" className="px-3 py-2 font-medium">Image</th>
              <th scope="col" className="px-3 py-2 font-medium">File</th>
              <th scope="col" className="px-3 py-2 font-medium">State</th>
              <th scope="col" className="px-3 py-2 font-medium">Engine verdict</th>
              <th scope="col" className="px-3 py-2 font-medium">Decision</th>
              <th scope="col" className="px-3 py-2 font-medium">Source</th>
              <th scope="col" className="px-3 py-2 font-medium">Submitted</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {rows.map((c) => (
              <Fragment key={c.id}>
              <tr className="hover:bg-slate-50" data-testid="queue-row" data-case-id={c.id} data-state={c.state}>
                {bulk && (
                  <td className="px-3 py-2">
                    <input type="checkbox" aria-label={c.group && c.group.size > 1 ? `Select ${c.filename || c.id} and its ${c.group.size - 1} duplicates` : `Select ${c.filename || c.id}`} checked={selected.has(c.id)} onChange={(e) => toggle(c.id, e.target.checked)} className="h-4 w-4" data-testid="select-case" />
                  </td>
                )}
                <td className="px-3 py-2">
                  {c.imageRemoved ? (
                    <span className="flex h-12 w-12 items-center justify-center rounded border border-dashed border-slate-300 text-center text-[10px] leading-tight text-slate-600" title="The image was removed by its policy's retention" data-testid="thumbnail-removed">
                      image removed
                    </span>
                  ) : (
                    // eslint-disable-next-line @next/next/no-img-element
                    <img
                      src={`/api/v1/cases/${c.id}/image?variant=thumbnail`}
                      alt=""
                      className={`h-12 w-12 rounded object-cover ${c.blur ? "blur-md" : ""}`}
                      loading="lazy"
                      data-blurred={c.blur || undefined}
                      title={c.blur ? "Blurred by the case's policy: open the case to reveal it" : undefined}
                    />
                  )}
                </td>
                <td className="max-w-[16rem] px-3 py-2">
                  <Link href={`/cases/${c.id}`} className="break-all font-mono text-slate-900 underline-offset-2 hover:underline">
                    {c.filename || c.id}
                  </Link>
                  {c.group && c.group.size > 1 && (
                    <button
                      type="button"
                      aria-expanded={open.has(c.id)}
                      aria-controls={`group-${c.id}`}
                      onClick={() =>
                        setOpen((s) => {
                          const n = new Set(s);
                          if (n.has(c.id)) n.delete(c.id);
                          else n.add(c.id);
                          return n;
                        })
                      }
                      className="ml-2 rounded-full bg-violet-100 px-2 py-0.5 text-xs font-medium text-violet-900 hover:bg-violet-200 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-slate-900"
                      data-testid="group-toggle"
                      data-size={c.group.size}
                    >
                      {open.has(c.id) ? "Hide" : "Show"} {c.group.size - 1} duplicate{c.group.size === 2 ? "" : "s"}
                    </button>
                  )}
                  <div className="text-xs text-slate-600">
                    {c.image.format.toUpperCase()} · {c.image.width}×{c.image.height} · {size(c.image.sizeBytes)}
                    {c.externalRef && <> · ref {c.externalRef}</>}
                  </div>
                </td>
                <td className="px-3 py-2"><StateBadge state={c.state} /></td>
                <td className="px-3 py-2">
                  <VerdictLabel verdict={c.verdict} score={c.score} />
                  {c.decidedByList && (
                    <div className="text-xs text-slate-600" data-testid="queue-list-badge" title={`The image is on this list, which ${c.decidedByList.action === "quarantine" ? "quarantines" : "clears"} its matches whatever the score`}>
                      {c.decidedByList.action === "quarantine" ? "Quarantined" : "Cleared"} by list {c.decidedByList.name}
                    </div>
                  )}
                </td>
                <td className="px-3 py-2" data-testid="decision-cell">
                  {c.decision ? (
                    <div>
                      <span className="font-medium text-slate-900" data-testid="human-decision" data-outcome={c.decision.outcome}>{outcomeLabel(c.decision.outcome)}</span>
                      <div className="text-xs text-slate-600">by {c.decision.reviewer}, {when(c.decision.at)}</div>
                    </div>
                  ) : c.duplicateOf ? (
                    <Link href={`/cases/${c.id}#duplicates`} className="inline-block rounded bg-amber-100 px-2 py-0.5 text-xs font-medium text-amber-900 underline-offset-2 hover:underline" data-testid="duplicate-marker">
                      Duplicate of a decided case: {outcomeLabel(c.duplicateOf.outcome)}
                    </Link>
                  ) : (
                    <span className="text-slate-600">Not decided</span>
                  )}
                  {c.notes > 0 && (
                    <Link href={`/cases/${c.id}#notes`} className="block text-xs text-sky-800 underline-offset-2 hover:underline" data-testid="notes-count">
                      {c.notes} {c.notes === 1 ? "note" : "notes"}
                    </Link>
                  )}
                </td>
                <td className="px-3 py-2 text-slate-700">{c.source}</td>
                <td className="whitespace-nowrap px-3 py-2 text-slate-700">{when(c.createdAt)}</td>
              </tr>
              {c.group && c.group.size > 1 && open.has(c.id) && (
                <tr id={`group-${c.id}`} className="bg-violet-50" data-testid="group-members">
                  <td colSpan={bulk ? 8 : 7} className="px-3 py-2 text-xs text-slate-800">
                    <span className="font-medium">This group&apos;s {c.group.size} cases in this view</span>
                    {bulk && <span> (selecting the row selects them all)</span>}:
                    <ul className="mt-1 flex flex-wrap gap-x-3 gap-y-1">
                      {c.group.caseIds.map((id) => (
                        <li key={id}>
                          <Link href={`/cases/${id}`} className="font-mono underline underline-offset-2" data-testid="group-member">
                            {id}
                          </Link>
                          {id === c.id && " (shown)"}
                        </li>
                      ))}
                      {c.group.caseIds.length < c.group.size && <li>and {c.group.size - c.group.caseIds.length} more</li>}
                    </ul>
                  </td>
                </tr>
              )}
              </Fragment>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}

function BulkBar({ caseIds, canDecide, canRescan, onDone }: { caseIds: string[]; canDecide: boolean; canRescan: boolean; onDone(): void }) {
  const router = useRouter();
  const [pending, start] = useTransition();
  const [outcome, setOutcome] = useState<DecisionOutcome | "">("");
  const [note, setNote] = useState("");
  const [report, setReport] = useState<{ done: number; failed: Extract<BulkCaseResult, { ok: false }>[]; error?: string } | null>(null);
  const none = caseIds.length === 0;

  const run = (what: () => Promise<ActionResult<BulkCaseResult[]>>) =>
    start(async () => {
      const res = await what();
      if (!res.ok) {
        setReport({ done: 0, failed: [], error: res.error.message });
        return;
      }
      setReport({ done: res.data.filter((r) => r.ok).length, failed: res.data.filter((r): r is Extract<BulkCaseResult, { ok: false }> => !r.ok) });
      onDone();
      router.refresh();
    });

  const btn = "rounded px-3 py-1.5 text-sm font-medium focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-slate-900 disabled:cursor-not-allowed disabled:opacity-60";
  return (
    <section aria-label="Bulk actions" className="space-y-2 rounded-lg border border-slate-200 bg-white p-3 text-sm" data-testid="bulk-bar">
      <div className="flex flex-wrap items-end gap-3">
        <p className="self-center font-medium text-slate-800" aria-live="polite" data-testid="selected-count">
          {caseIds.length} selected
        </p>
        {canDecide && (
          <>
            <label className="block text-slate-700">
              Decision
              <select value={outcome} onChange={(e) => setOutcome(e.target.value as DecisionOutcome | "")} className="mt-1 block rounded border border-slate-400 bg-white px-2 py-1.5 text-slate-900">
                <option value="">Choose…</option>
                {DECISION_OUTCOMES.map((o) => (
                  <option key={o} value={o}>{OUTCOME_LABELS[o]}</option>
                ))}
              </select>
            </label>
            <label className="block min-w-[8rem] flex-1 text-slate-700">
              Note (optional)
              <input type="text" value={note} maxLength={2000} onChange={(e) => setNote(e.target.value)} className="mt-1 block w-full rounded border border-slate-400 px-2 py-1.5 text-slate-900" />
            </label>
            <button
              type="button"
              disabled={pending || none || !outcome}
              className={`${btn} bg-slate-900 text-white hover:bg-slate-700`}
              onClick={() => outcome && run(() => bulkDecideAction({ caseIds, outcome, note }))}
            >
              {pending ? "Working…" : "Decide selected"}
            </button>
          </>
        )}
        {canRescan && (
          <button type="button" disabled={pending || none} className={`${btn} border border-slate-400 bg-white text-slate-900 hover:bg-slate-100`} onClick={() => run(() => bulkRescanAction({ caseIds }))}>
            Rescan selected
          </button>
        )}
      </div>
      {report && (
        <div data-testid="bulk-report">
          {report.error ? (
            <p role="alert" className="text-red-700">{report.error}</p>
          ) : (
            <p role="status" className="text-slate-800">
              {report.done} case{report.done === 1 ? "" : "s"} done{report.failed.length ? `, ${report.failed.length} failed:` : "."}
            </p>
          )}
          {report.failed.length > 0 && (
            <ul role="alert" className="mt-1 list-disc pl-5 text-red-700" data-testid="bulk-failures">
              {report.failed.map((f) => (
                <li key={f.caseId}>
                  <Link href={`/cases/${f.caseId}`} className="font-mono underline">{f.caseId}</Link>: {f.message}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </section>
  );
}
