import Link from "next/link";
import { CASE_SOURCES, DECISION_OUTCOMES, VERDICTS } from "@/db/schema/enums";
import { QUEUE_PAGE_SIZES, QUEUE_SORT_LABELS, QUEUE_SORTS, type QueueParams, type QueueSort } from "@/lib/cases/queue-params";

const VERDICT_LABELS: Record<(typeof VERDICTS)[number], string> = { ai_generated: "AI-generated", likely_authentic: "Likely authentic", inconclusive: "Inconclusive" };
export const OUTCOME_LABELS: Record<(typeof DECISION_OUTCOMES)[number], string> = { confirmed_ai: "Confirmed AI", authentic: "Authentic", needs_more_info: "Needs more info" };
const SOURCE_LABELS: Record<(typeof CASE_SOURCES)[number], string> = { upload: "Upload", api: "API" };

const field = "mt-1 block w-full rounded border border-slate-400 bg-white px-2 py-1.5 text-sm text-slate-900 focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-slate-900";
const label = "block min-w-0 text-sm font-medium text-slate-700";

/**
 * Search, sort and filters as a plain GET form: submitting it navigates to /queue?<params>, so it
 * works without JavaScript and the URL is the shareable view. The state tab in use is kept.
 */
export function QueueFilters({ params, defaultSort }: { params: QueueParams; defaultSort: QueueSort }) {
  const multi = (v?: string[]) => (v && v.length > 1 ? v.join(",") : undefined);
  const active = [params.verdict, params.decision, params.source, params.score_min, params.score_max, params.from, params.to, params.submitter, params.policy].filter(
    (v) => v !== undefined && v !== "" && !(Array.isArray(v) && v.length === 0),
  ).length + (params.limit !== undefined && params.limit !== 50 ? 1 : 0);
  return (
    <form method="get" action="/queue" role="search" aria-label="Search and filter cases" className="space-y-3 rounded-lg border border-slate-200 bg-white p-4" data-testid="queue-filters">
      {params.state && <input type="hidden" name="state" value={params.state.join(",")} />}
      <div className="grid grid-cols-1 gap-3 sm:grid-cols-[1fr_auto]">
        <label className={label}>
          Search
          <input type="search" name="q" defaultValue={params.q ?? ""} placeholder="File name, external ref, sha256 or case id" className={field} />
        </label>
        <label className={label}>
          Sort by
          <select name="sort" defaultValue={params.sort ?? defaultSort} className={field}>
            {QUEUE_SORTS.map((s) => (
              <option key={s} value={s}>{QUEUE_SORT_LABELS[s]}</option>
            ))}
          </select>
        </label>
      </div>
      {/* Folded while no filter is set, so the cases come first (a phone would otherwise scroll past
          eleven fields); fields inside a closed <details> are still submitted. */}
      <details open={active > 0 || undefined} className="group min-w-0" data-testid="queue-filter-fields">
        <summary className="cursor-pointer text-sm font-medium text-slate-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-slate-900">
          Filters{active > 0 ? ` (${active} set)` : ""}
        </summary>
        <div className="mt-2 grid grid-cols-1 gap-3 sm:grid-cols-2 lg:grid-cols-4">
          <label className={label}>
            Engine verdict
            <select name="verdict" defaultValue={params.verdict?.join(",") ?? ""} className={field}>
              <option value="">Any</option>
              {multi(params.verdict) && <option value={multi(params.verdict)}>{params.verdict!.map((v) => VERDICT_LABELS[v]).join(" or ")}</option>}
              {VERDICTS.map((v) => (
                <option key={v} value={v}>{VERDICT_LABELS[v]}</option>
              ))}
            </select>
          </label>
          <label className={label}>
            Human decision
            <select name="decision" defaultValue={params.decision ?? ""} className={field}>
              <option value="">Any or none</option>
              <option value="none">Not decided yet</option>
              <option value="any">Decided</option>
              {DECISION_OUTCOMES.map((o) => (
                <option key={o} value={o}>Decided: {OUTCOME_LABELS[o]}</option>
              ))}
            </select>
          </label>
          <label className={label}>
            Source
            <select name="source" defaultValue={params.source ?? ""} className={field}>
              <option value="">Any</option>
              {CASE_SOURCES.map((s) => (
                <option key={s} value={s}>{SOURCE_LABELS[s]}</option>
              ))}
            </select>
          </label>
          <label className={label}>
            Cases per page
            <select name="limit" defaultValue={String(params.limit ?? 50)} className={field}>
              {[...new Set([...QUEUE_PAGE_SIZES, params.limit ?? 50])].sort((a, b) => a - b).map((n) => (
                <option key={n} value={n}>{n}</option>
              ))}
            </select>
          </label>
          <label className={label}>
            Score from
            <input type="number" name="score_min" min={0} max={100} step="any" inputMode="decimal" defaultValue={params.score_min ?? ""} className={field} />
          </label>
          <label className={label}>
            Score to
            <input type="number" name="score_max" min={0} max={100} step="any" inputMode="decimal" defaultValue={params.score_max ?? ""} className={field} />
          </label>
          <label className={label}>
            Submitted from
            <input type="date" name="from" defaultValue={params.from ?? ""} className={field} />
          </label>
          <label className={label}>
            Submitted to
            <input type="date" name="to" defaultValue={params.to ?? ""} className={field} />
          </label>
          <label className={label}>
            Submitter email
            <input type="text" name="submitter" autoComplete="off" defaultValue={params.submitter ?? ""} className={field} />
          </label>
          <label className={label}>
            Policy name
            <input type="text" name="policy" autoComplete="off" defaultValue={params.policy ?? ""} className={field} />
          </label>
        </div>
      </details>
      <div className="flex flex-wrap items-center gap-3">
        <label className="flex items-center gap-2 text-sm text-slate-800">
          <input type="checkbox" name="group" value="1" defaultChecked={params.group === "1"} className="h-4 w-4" data-testid="group-duplicates" />
          Group duplicates (same image, or a near-duplicate)
        </label>
        <button type="submit" className="rounded bg-slate-900 px-4 py-1.5 text-sm font-medium text-white hover:bg-slate-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-slate-900">
          Apply
        </button>
        <Link href="/queue" className="text-sm text-slate-700 underline underline-offset-2">Clear all</Link>
      </div>
    </form>
  );
}
