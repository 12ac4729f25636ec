import Link from "next/link";
import { getDb } from "@/db";
import { STATE_LABELS } from "@/components/state-badge";
import { requirePageActor } from "@/lib/auth/session";
import { roleCan } from "@/lib/auth/roles";
import { countCasesByState, QUEUE_STATES } from "@/lib/cases/queries";
import { lastCaseEventId } from "@/lib/live/queries";
import { QueueTable } from "./_components/queue-table";
import { StartReviewing } from "./_components/start-reviewing";

export const dynamic = "force-dynamic";

export default async function QueuePage({ searchParams }: { searchParams: Promise<{ state?: string; review?: string }> }) {
  const actor = await requirePageActor("viewQueue");
  const { state: raw, review } = await searchParams;
  const state = QUEUE_STATES.find((s) => s === raw) ?? null;
  const db = await getDb();
  // Read first: any change after this id reaches the page through the live stream.
  const since = await lastCaseEventId(db);
  const counts = await countCasesByState(db);
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h1 className="text-2xl font-semibold">Review queue</h1>
        {roleCan(actor.role, "decide") && <StartReviewing done={review === "done"} />}
      </div>
      <div className="flex flex-wrap gap-2 text-sm">
        <Link href="/queue" className={`rounded-full border px-3 py-1 ${state === null ? "border-slate-900 bg-slate-900 text-white" : "border-slate-300 bg-white"}`}>
          All <span className="opacity-70">{total}</span>
        </Link>
        {QUEUE_STATES.map((s) => (
          <Link
            key={s}
            href={`/queue?state=${s}`}
            data-testid={`tab-${s}`}
            className={`rounded-full border px-3 py-1 ${state === s ? "border-slate-900 bg-slate-900 text-white" : "border-slate-300 bg-white"}`}
          >
            {STATE_LABELS[s]} <span className="opacity-70">{counts[s]}</span>
          </Link>
        ))}
      </div>
      <QueueTable state={state} since={since} />
    </div>
  );
}
