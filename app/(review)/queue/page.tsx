import Link from "next/link";
import { getDb } from "@/db";
import { STATE_LABELS } from "@/components/state-badge";
import { requirePageActor } from "@/lib/auth/session";
import { roleCan } from "@/lib/auth/roles";
import { QUEUE_STATES } from "@/lib/cases/queries";
import { parseQueueParams, queueSearch } from "@/lib/cases/queue-params";
import { countQueueStates, defaultQueueSort, listQueue } from "@/lib/cases/queue-queries";
import { normaliseError } from "@/lib/errors";
import { QueueFilters } from "./_components/queue-filters";
import { LiveRefresh } from "@/components/live-refresh";
import { lastCaseEventId } from "@/lib/live/queries";
import { QueueTable } from "./_components/queue-table";
import { StartReviewing } from "./_components/start-reviewing";
import { ExportLinks } from "./_components/export-links";

export const dynamic = "force-dynamic";

type SearchParams = Record<string, string | string[] | undefined>;

/**
 * The review queue. Everything it shows comes from the URL's search params (filters, sort, search,
 * cursor), read on the server, so a link shares the exact view and `router.refresh()` re-reads it.
 */
export default async function QueuePage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const actor = await requirePageActor("viewQueue");
  // `review=done` is the claim flow's "queue is empty" notice (StartReviewing), not a filter.
  const { review, ...filters } = await searchParams;
  const parsed = parseQueueParams(filters);
  const sort = defaultQueueSort(actor.role);
  if (!parsed.ok) {
    return (
      <div className="space-y-4">
        <h1 className="text-2xl font-semibold">Review queue</h1>
        <div role="alert" className="rounded border border-red-200 bg-red-50 p-4 text-red-800" data-testid="queue-params-error">
          <p>This queue link has a value the queue cannot use: {parsed.message}.</p>
          <Link href="/queue" className="mt-2 inline-block font-medium underline">Show the whole queue</Link>
        </div>
      </div>
    );
  }
  const params = parsed.params;
  const db = await getDb();
  // Read first: any change after this id reaches the page through the live stream.
  const since = await lastCaseEventId(db);
  let page;
  let counts;
  try {
    [page, counts] = await Promise.all([listQueue(db, params, { defaultSort: sort }), countQueueStates(db, params)]);
  } catch (err) {
    const e = normaliseError(err);
    if (e.code !== "invalid_request") throw err;
    return (
      <div className="space-y-4">
        <h1 className="text-2xl font-semibold">Review queue</h1>
        <div role="alert" className="rounded border border-red-200 bg-red-50 p-4 text-red-800" data-testid="queue-params-error">
          <p>{e.message}</p>
          <Link href={`/queue${queueSearch(params)}`} className="mt-2 inline-block font-medium underline">First page of this view</Link>
        </div>
      </div>
    );
  }
  // Grouped, the list's rows are duplicate groups, and so are the numbers on the tabs: each says so.
  const grouped = counts.unit === "groups";
  const count = (n: number) =>
    grouped ? (
      <>
        <span data-testid="count">{n}</span> <span data-testid="count-unit">{n === 1 ? "group" : "groups"}</span>
      </>
    ) : (
      <>
        <span className="sr-only">cases:</span> <span data-testid="count">{n}</span>
      </>
    );
  const activeState = params.state?.length === 1 ? params.state[0] : params.state ? null : "all";
  const tab = (active: boolean) =>
    `rounded-full border px-3 py-1 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-slate-900 ${active ? "border-slate-900 bg-slate-900 text-white" : "border-slate-300 bg-white text-slate-800 hover:bg-slate-100"}`;
  return (
    <div className="min-w-0 space-y-4">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h1 className="text-2xl font-semibold">Review queue</h1>
        <div className="flex flex-wrap items-center gap-3">
          {roleCan(actor.role, "exportCases") && <ExportLinks params={params} />}
          {roleCan(actor.role, "decide") && <StartReviewing done={review === "done"} />}
        </div>
      </div>
      <QueueFilters params={params} defaultSort={sort} />
      <nav aria-label="Case states" className="flex flex-wrap gap-2 text-sm">
        <Link href={`/queue${queueSearch(params, { state: null })}`} className={tab(activeState === "all")} aria-current={activeState === "all" ? "page" : undefined} data-testid="tab-all">
          All {count(counts.all)}
        </Link>
        {QUEUE_STATES.map((s) => (
          <Link
            key={s}
            href={`/queue${queueSearch(params, { state: s })}`}
            data-testid={`tab-${s}`}
            className={tab(activeState === s)}
            aria-current={activeState === s ? "page" : undefined}
          >
            {STATE_LABELS[s]} {count(counts.byState[s])}
          </Link>
        ))}
      </nav>
      <QueueTable
        key={queueSearch(params, { after: params.after ?? null, before: params.before ?? null })}
        rows={page.items.map((r) => ({
          ...r,
          createdAt: r.createdAt.toISOString(),
          decision: r.decision ? { ...r.decision, at: r.decision.at.toISOString() } : null,
        }))}
        canDecide={roleCan(actor.role, "decide")}
        canRescan={roleCan(actor.role, "rescan")}
      />
      <nav aria-label="Pages" className="flex items-center justify-between gap-2 text-sm">
        {page.prevCursor ? (
          <Link href={`/queue${queueSearch(params, { before: page.prevCursor })}`} rel="prev" className="rounded border border-slate-300 bg-white px-3 py-1 hover:bg-slate-100" data-testid="page-prev">
            ← Previous page
          </Link>
        ) : (
          <span />
        )}
        {page.nextCursor && (
          <Link href={`/queue${queueSearch(params, { after: page.nextCursor })}`} rel="next" className="rounded border border-slate-300 bg-white px-3 py-1 hover:bg-slate-100" data-testid="page-next">
            Next page →
          </Link>
        )}
      </nav>
      <LiveRefresh since={since} />
    </div>
  );
}
