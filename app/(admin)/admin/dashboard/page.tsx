import type { Metadata } from "next";
import { getDb } from "@/db";
import { DECISION_OUTCOMES, VERDICTS } from "@/db/schema/enums";
import Link from "next/link";
import { decisionsPerReviewer, engineAgreement, listActivity, queueStats, storageSummary, volumePerDay, type DayVolume } from "@/lib/analytics/queries";
import { env } from "@/lib/env";
import { requirePageActor } from "@/lib/auth/session";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Dashboard" };

type Series = keyof DayVolume["byVerdict"];
const SERIES: { key: Series; label: string; color: string }[] = [
  { key: "ai_generated", label: "AI-generated", color: "var(--color-ai)" },
  { key: "inconclusive", label: "Inconclusive", color: "var(--color-inconclusive)" },
  { key: "likely_authentic", label: "Likely authentic", color: "var(--color-authentic)" },
  { key: "unscanned", label: "Not scanned yet", color: "var(--color-slate-400)" },
];
const VERDICT_LABEL: Record<(typeof VERDICTS)[number], string> = { ai_generated: "AI-generated", likely_authentic: "Likely authentic", inconclusive: "Inconclusive" };
const OUTCOME_LABEL: Record<(typeof DECISION_OUTCOMES)[number], string> = { confirmed_ai: "Confirmed AI", authentic: "Authentic", needs_more_info: "Needs more info" };

function hours(h: number | null): string {
  if (h === null) return "—";
  if (h < 1) return `${Math.round(h * 60)} min`;
  if (h < 48) return `${h.toFixed(1)} h`;
  return `${(h / 24).toFixed(1)} days`;
}

const megabytes = (b: number) => (b >= 1024 ** 3 ? `${(b / 1024 ** 3).toFixed(1)} GB` : `${(b / 1024 ** 2).toFixed(1)} MB`);

function Stat({ label, value, hint }: { label: string; value: string; hint: string }) {
  return (
    <div className="rounded-lg border border-slate-200 bg-white p-4">
      <dt className="text-sm text-slate-700">{label}</dt>
      <dd className="mt-1 text-2xl font-semibold tabular-nums">{value}</dd>
      <dd className="mt-1 text-xs text-slate-600">{hint}</dd>
    </div>
  );
}

/** Stacked bars per day, drawn in SVG; the same numbers are in the table below it for screen readers. */
function VolumeChart({ days }: { days: DayVolume[] }) {
  const max = Math.max(1, ...days.map((d) => d.total));
  const W = 720;
  const H = 180;
  const bw = W / days.length;
  return (
    <figure>
      <svg viewBox={`0 0 ${W} ${H + 20}`} className="h-auto w-full" role="img" aria-label={`Cases per day over the last ${days.length} days; at most ${max} in a day.`}>
        <line x1={0} x2={W} y1={H} y2={H} stroke="var(--color-slate-300)" />
        {days.map((d, i) => {
          let y = H;
          return (
            <g key={d.day}>
              <title>{`${d.day}: ${d.total} cases`}</title>
              {SERIES.map((s) => {
                const h = (d.byVerdict[s.key] / max) * (H - 10);
                y -= h;
                return h > 0 ? <rect key={s.key} x={i * bw + 2} y={y} width={Math.max(1, bw - 4)} height={h} fill={s.color} /> : null;
              })}
              {/* a tick a week, counted back from today so the last two labels never collide */}
              {(days.length - 1 - i) % 7 === 0 && (
                <text x={i === days.length - 1 ? W : i * bw + bw / 2} y={H + 14} fontSize={10} textAnchor={i === days.length - 1 ? "end" : "middle"} fill="var(--color-slate-700)">
                  {d.day.slice(5)}
                </text>
              )}
            </g>
          );
        })}
      </svg>
      <figcaption className="mt-2 flex flex-wrap gap-4 text-xs text-slate-700">
        {SERIES.map((s) => (
          <span key={s.key} className="flex items-center gap-1">
            <span aria-hidden="true" className="inline-block h-3 w-3 rounded-sm" style={{ background: s.color }} /> {s.label}
          </span>
        ))}
        <span>Highest day: {max}</span>
      </figcaption>
    </figure>
  );
}

export default async function DashboardPage() {
  await requirePageActor("viewDashboard");
  const db = await getDb();
  const [days, queue, people, agreement, lists, storage] = await Promise.all([
    volumePerDay(db, 30),
    queueStats(db),
    decisionsPerReviewer(db, 30),
    engineAgreement(db),
    listActivity(db, 30),
    storageSummary(db, 30),
  ]);
  const mix = Object.fromEntries(SERIES.map((s) => [s.key, days.reduce((a, d) => a + d.byVerdict[s.key], 0)])) as Record<Series, number>;
  const total = days.reduce((a, d) => a + d.total, 0);
  const maxPerson = Math.max(1, ...people.map((p) => p.total));
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold">Dashboard</h1>
      <dl className="grid grid-cols-1 gap-3 sm:grid-cols-2 lg:grid-cols-4">
        <Stat label="Waiting for a person" value={String(queue.waiting)} hint="Quarantined or in manual review now" />
        <Stat label="Oldest waiting" value={hours(queue.oldestHours)} hint={`Median wait ${hours(queue.medianHours)}`} />
        <Stat label="Cases, last 30 days" value={String(total)} hint={`${mix.ai_generated} called AI-generated by the engine`} />
        <Stat
          label="Engine agrees with reviewers"
          value={agreement.rate === null ? "—" : `${Math.round(agreement.rate * 100)} %`}
          hint={agreement.compared ? `Over ${agreement.compared} cases both called AI or authentic` : "No decided cases yet"}
        />
      </dl>

      <section className="rounded-lg border border-slate-200 bg-white p-4" aria-labelledby="volume-heading">
        <h2 id="volume-heading" className="mb-3 font-semibold">Cases per day, by engine verdict</h2>
        {total === 0 ? <p className="text-slate-700">No cases in the last 30 days. Upload images or call the API to see volume here.</p> : <VolumeChart days={days} />}
        <details className="mt-3 text-sm">
          <summary className="cursor-pointer text-slate-700">Show the numbers</summary>
          <div className="mt-2 max-h-64 overflow-auto">
            <table className="w-full text-xs tabular-nums">
              <caption className="sr-only">Cases per day by verdict</caption>
              <thead>
                <tr className="text-left">
                  <th scope="col" className="pr-3">Day</th>
                  {SERIES.map((s) => (
                    <th scope="col" key={s.key} className="pr-3">{s.label}</th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {days.map((d) => (
                  <tr key={d.day}>
                    <th scope="row" className="pr-3 text-left font-normal">{d.day}</th>
                    {SERIES.map((s) => (
                      <td key={s.key} className="pr-3">{d.byVerdict[s.key]}</td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </details>
      </section>

      <div className="grid grid-cols-1 gap-6 lg:grid-cols-2">
        <section className="rounded-lg border border-slate-200 bg-white p-4" aria-labelledby="people-heading">
          <h2 id="people-heading" className="mb-3 font-semibold">Decisions per reviewer, last 30 days</h2>
          {people.length === 0 ? (
            <p className="text-slate-700">No decisions yet. Moderators decide cases from the queue.</p>
          ) : (
            <ul className="space-y-2 text-sm">
              {people.map((p) => (
                <li key={p.reviewer}>
                  <div className="flex justify-between gap-2">
                    <span className="truncate">{p.reviewer}</span>
                    <span className="tabular-nums">{p.total}</span>
                  </div>
                  <div className="mt-1 h-2 rounded bg-slate-100" aria-hidden="true">
                    <div className="h-2 rounded bg-slate-700" style={{ width: `${(p.total / maxPerson) * 100}%` }} />
                  </div>
                  <p className="mt-0.5 text-xs text-slate-600">
                    {DECISION_OUTCOMES.map((o) => `${OUTCOME_LABEL[o]} ${p.byOutcome[o]}`).join(" · ")}
                  </p>
                </li>
              ))}
            </ul>
          )}
        </section>

        <section className="rounded-lg border border-slate-200 bg-white p-4" aria-labelledby="agreement-heading">
          <h2 id="agreement-heading" className="mb-3 font-semibold">Engine verdict against the reviewers&apos; latest decision</h2>
          <div className="overflow-x-auto">
            <table className="w-full text-sm tabular-nums">
              <caption className="sr-only">Cases by engine verdict (rows) and human decision (columns)</caption>
              <thead>
                <tr>
                  <th scope="col" className="pb-1 pr-3 text-left font-medium">Engine \ Reviewer</th>
                  {DECISION_OUTCOMES.map((o) => (
                    <th scope="col" key={o} className="pb-1 pr-3 text-right font-medium">{OUTCOME_LABEL[o]}</th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {VERDICTS.map((v) => (
                  <tr key={v} className="border-t border-slate-100">
                    <th scope="row" className="py-1 pr-3 text-left font-normal">{VERDICT_LABEL[v]}</th>
                    {DECISION_OUTCOMES.map((o) => (
                      <td key={o} className="py-1 pr-3 text-right">{agreement.matrix[v][o]}</td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <p className="mt-2 text-xs text-slate-600">Each decided case counts once, under its latest decision. Use it with the policy editor&apos;s ROC curve to tune thresholds.</p>
        </section>
      </div>

      <section className="rounded-lg border border-slate-200 bg-white p-4" aria-labelledby="lists-heading" data-testid="dashboard-lists">
        <h2 id="lists-heading" className="mb-3 font-semibold">Image lists, last 30 days</h2>
        {lists.length === 0 ? (
          <p className="text-slate-700">
            No image lists yet. <Link href="/admin/lists" className="text-sky-700 underline underline-offset-2">Lists</Link> keep images you already know, which then decide
            their copies whatever the score.
          </p>
        ) : (
          // Focusable, so a keyboard can scroll the table sideways on a phone (it holds nothing else to focus).
          <div className="relative overflow-x-auto" tabIndex={0} role="region" aria-labelledby="lists-heading">
            <table className="w-full text-sm tabular-nums">
              <caption className="sr-only">Each image list: its entries, what was added in the last 30 days, and the scans it matched and decided</caption>
              <thead>
                <tr className="text-left">
                  <th scope="col" className="pb-1 pr-3 font-medium">List</th>
                  <th scope="col" className="pb-1 pr-3 text-right font-medium">Entries</th>
                  <th scope="col" className="pb-1 pr-3 text-right font-medium">Added by hand</th>
                  <th scope="col" className="pb-1 pr-3 text-right font-medium">Added by decisions</th>
                  <th scope="col" className="pb-1 pr-3 text-right font-medium">Scans matched</th>
                  <th scope="col" className="pb-1 text-right font-medium">Scans it decided</th>
                </tr>
              </thead>
              <tbody>
                {lists.map((l) => (
                  <tr key={l.id} className="border-t border-slate-100" data-testid="dashboard-list-row">
                    <th scope="row" className="py-1 pr-3 text-left font-normal">
                      {l.name} <span className="text-xs text-slate-600">({l.action === "quarantine" ? "quarantines" : "clears"}{l.autoAddOutcome ? `; adds ${OUTCOME_LABEL[l.autoAddOutcome]}` : ""})</span>
                    </th>
                    <td className="py-1 pr-3 text-right">{l.entries}</td>
                    <td className="py-1 pr-3 text-right">{l.addedByHand}</td>
                    <td className="py-1 pr-3 text-right">{l.addedByDecisions}</td>
                    <td className="py-1 pr-3 text-right">{l.matchedScans}</td>
                    <td className="py-1 text-right">{l.decidedScans}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <p className="mt-2 text-xs text-slate-600">A scan decided by a list matched none that ranks before it (quarantine lists before clear lists); a rescan counts again.</p>
      </section>

      <section aria-labelledby="storage-heading" data-testid="dashboard-storage">
        <h2 id="storage-heading" className="mb-2 font-semibold">Storage</h2>
        <dl className="grid grid-cols-1 gap-3 sm:grid-cols-3">
          <Stat label="Images stored" value={String(storage.originals)} hint={`${megabytes(storage.originalBytes)} of originals, each stored once`} />
          <Stat
            label="Images removed by retention"
            value={String(storage.removed)}
            hint={`${storage.removedRecently} in the last 30 days; ${storage.dueNow} due at the next sweep (set per policy under Policies)`}
          />
          <Stat label="Detection cache" value={String(storage.cacheEntries)} hint={`Entries of the detection API; those unused for ${env.LOUPE_DETECTION_CACHE_DAYS} days are evicted`} />
        </dl>
      </section>
    </div>
  );
}
