import Link from "next/link";
import { getDb } from "@/db";
import { LiveRefresh } from "@/components/live-refresh";
import { StateBadge, VerdictLabel } from "@/components/state-badge";
import { requirePageActor } from "@/lib/auth/session";
import { parseQueueParams } from "@/lib/cases/queue-params";
import { listQueue } from "@/lib/cases/queue-queries";
import { normaliseError } from "@/lib/errors";
import { lastCaseEventId } from "@/lib/live/queries";
import { utcMinute } from "@/lib/format-time";

export const dynamic = "force-dynamic";

const OUTCOMES: Record<string, string> = { confirmed_ai: "Confirmed AI-generated", authentic: "Authentic", needs_more_info: "Needs more information" };
const when = utcMinute;

/**
 * My submissions: the signed-in user's own cases, newest first, with their state, the engine's
 * verdict and the moderator's decision. The submitter filter is the actor's id, set here on the
 * server (only the page cursor comes from the URL), and the live stream sends an editor the events
 * of their own cases only (lib/live/case-event.ts mayWatchCase), so the page re-reads itself as they change.
 */
export default async function SubmissionsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const actor = await requirePageActor("submit");
  const { after, before } = await searchParams;
  const parsed = parseQueueParams({ after, before, sort: "newest", limit: "25" });
  const db = await getDb();
  const since = await lastCaseEventId(db);
  let page;
  try {
    if (!parsed.ok) throw new Error(parsed.message);
    page = await listQueue(db, { ...parsed.params, submitter: actor.id });
  } catch (err) {
    const e = normaliseError(err);
    if (parsed.ok && e.code !== "invalid_request") throw err;
    return (
      <div className="space-y-4">
        <h1 className="text-2xl font-semibold">My submissions</h1>
        <p role="alert" className="rounded border border-red-200 bg-red-50 p-4 text-red-800">
          This page link is out of date. <Link href="/submissions" className="font-medium underline">Show the newest submissions</Link>
        </p>
      </div>
    );
  }
  return (
    <div className="min-w-0 space-y-4">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h1 className="text-2xl font-semibold">My submissions</h1>
        <Link href="/upload" className="rounded bg-slate-900 px-3 py-1.5 text-sm font-medium text-white hover:bg-slate-700">Upload images</Link>
      </div>
      <p className="text-slate-600">The images you submitted, newest first. Each row follows its case as it is scanned and decided; there is no need to reload.</p>
      {page.items.length === 0 ? (
        <p className="rounded border border-slate-200 bg-white p-6 text-slate-600" data-testid="submissions-empty">
          You have not submitted anything yet. <Link href="/upload" className="font-medium text-slate-900 underline">Upload an image</Link> to start.
        </p>
      ) : (
        <ul className="divide-y divide-slate-100 rounded-lg border border-slate-200 bg-white" data-testid="submissions" aria-live="polite">
          {page.items.map((c) => (
            <li key={c.id} className="flex flex-wrap items-center gap-x-4 gap-y-1 px-4 py-3 text-sm" data-testid="submission" data-case-id={c.id} data-state={c.state}>
              <Link href={`/cases/${c.id}`} className="min-w-0 basis-full truncate font-mono text-slate-900 underline-offset-2 hover:underline sm:basis-64">
                {c.filename || c.id}
              </Link>
              <StateBadge state={c.state} />
              <VerdictLabel verdict={c.verdict} score={c.score} />
              <span className="text-slate-700" data-testid="submission-outcome">
                {c.decision ? `Decided: ${OUTCOMES[c.decision.outcome] ?? c.decision.outcome}` : c.state === "reviewed" ? "Decided" : "No decision yet"}
              </span>
              {c.notes > 0 && (
                <Link href={`/cases/${c.id}#notes`} className="text-sky-800 underline-offset-2 hover:underline" data-testid="submission-notes">
                  {c.notes} {c.notes === 1 ? "note" : "notes"}
                </Link>
              )}
              <span className="ml-auto whitespace-nowrap text-slate-600">{when(c.createdAt)}</span>
            </li>
          ))}
        </ul>
      )}
      <nav aria-label="Pages" className="flex items-center justify-between gap-2 text-sm">
        {page.prevCursor ? (
          <Link href={`/submissions?before=${page.prevCursor}`} rel="prev" className="rounded border border-slate-300 bg-white px-3 py-1 hover:bg-slate-100">
            ← Newer
          </Link>
        ) : (
          <span />
        )}
        {page.nextCursor && (
          <Link href={`/submissions?after=${page.nextCursor}`} rel="next" className="rounded border border-slate-300 bg-white px-3 py-1 hover:bg-slate-100">
            Older →
          </Link>
        )}
      </nav>
      <LiveRefresh since={since} />
    </div>
  );
}
