import Link from "next/link";
import { notFound } from "next/navigation";
import { getDb } from "@/db";
import { StateBadge, VerdictLabel } from "@/components/state-badge";
import { caseDetailDto } from "@/lib/api/dto";
import { roleCan } from "@/lib/auth/roles";
import { claimHolder } from "@/lib/cases/claim-case";
import { canDecideState, canRescanState } from "@/lib/cases/transition";
import { requirePageActor } from "@/lib/auth/session";
import { getCaseDetail, nextCaseToReview } from "@/lib/cases/queries";
import { lastCaseEventId } from "@/lib/live/queries";
import { LiveRefresh } from "@/components/live-refresh";
import { relatedCases } from "@/lib/cases/related-cases";
import { signalPresentation } from "@/lib/cases/signal-labels";
import { NUMBER_HINTS, OUTCOME_LABELS, verdictSentence } from "@/lib/cases/verdict-sentence";
import { CaseViewer, Legend, type OverlayRef } from "@/components/case-viewer";
import { DecisionPanel } from "./_components/decision-panel";
import { NumberHint } from "./_components/number-hint";
import { ApplySameDecision } from "./_components/apply-same-decision";
import { RescanButton } from "./_components/rescan-button";
import { ShortcutsDialog } from "./_components/shortcuts-dialog";
import { SignalTable } from "./_components/signal-table";
import { ImageListsCard } from "./_components/image-lists-card";
import { NotesCard } from "./_components/notes-card";
import { utcMinute } from "@/lib/format-time";
import { listImageLists, listsHoldingSha256 } from "@/lib/lists/queries";

export const dynamic = "force-dynamic";

const card = "rounded-xl border border-slate-200 bg-white p-4 shadow-sm";

export default async function CasePage({ params }: { params: Promise<{ id: string }> }) {
  const actor = await requirePageActor("viewQueue");
  const { id } = await params;
  const db = await getDb();
  // Read first: any change after this id reaches the page through the live stream.
  const since = await lastCaseEventId(db);
  const detail = await getCaseDetail(db, id);
  if (!detail) notFound();
  const related = await relatedCases(db, detail.case.id, detail.image);
  const isModerator = roleCan(actor.role, "decide");
  const nextId = isModerator ? null : await nextCaseToReview(db, detail.case.id);
  const claim = await claimHolder(db, detail.case.id);
  const canAddToList = roleCan(actor.role, "addToList");
  const [lists, holding] = await Promise.all([canAddToList ? listImageLists(db) : [], listsHoldingSha256(db, detail.image.sha256)]);
  const c = caseDetailDto(detail);
  const det = c.detection;
  const attribution = det?.attribution;

  // The decision in force is the newest one not undone; an amendment supersedes the one before it.
  const live = detail.decisions.filter((d) => !d.decision.undoneAt);
  const inForce = live.at(-1) ?? null;
  const superseded = new Set(live.flatMap((d) => (d.decision.supersedesId ? [d.decision.supersedesId] : [])));

  const sentence = verdictSentence({
    state: c.state,
    detection: detail.detection ? { verdict: detail.detection.verdict, score: detail.detection.score, policy: detail.detection.policy } : null,
    decision: inForce ? { outcome: inForce.decision.outcome, reviewer: inForce.reviewer.email } : null,
  });

  const withMaps = (det?.signals ?? []).flatMap((s) => {
    const p = signalPresentation(s.id);
    return s.heatmap && p.legend && p.map !== "none" ? [{ signal: s.id, label: p.label, url: s.heatmap.url, legend: p.legend, description: s.heatmap.label, map: p.map }] : [];
  });
  // Once the retention removed the image, its maps went with it (lib/cases/retention.ts).
  const removedAt = detail.case.imageRemovedAt;
  const overlays: OverlayRef[] = removedAt ? [] : withMaps.filter((m) => m.map === "spatial");
  const charts = removedAt ? [] : withMaps.filter((m) => m.map === "chart");
  // EXIF orientations 5–8 turn the picture a quarter: the display image is height × width.
  const size = c.image.orientation >= 5 ? { width: c.image.height, height: c.image.width } : { width: c.image.width, height: c.image.height };
  const canDecide = isModerator && canDecideState(c.state);
  const canAmend = isModerator && c.state === "reviewed" && inForce !== null;
  const inSession = isModerator && claim?.userId === actor.id;
  const claimedByOther = claim && claim.userId !== actor.id ? claim : null;
  const scanning = c.state === "scanning" || c.state === "pending_scan" || c.state === "retry_pending";

  return (
    <div className="space-y-3" data-testid="case-page" data-case={c.id}>
      <LiveRefresh since={since} caseId={c.id} />
      <div className="flex flex-wrap items-center gap-x-3 gap-y-1">
        <Link href="/queue" className="text-sm text-slate-600 hover:text-slate-900">← Queue</Link>
        <h1 className="min-w-0 truncate font-mono text-lg font-semibold" title={c.filename || c.id}>{c.filename || c.id}</h1>
        <StateBadge state={c.state} />
        {inSession && (
          <span className="rounded-full bg-sky-50 px-2 py-0.5 text-xs font-medium text-sky-800" data-testid="claim-mine">
            Claimed by you
          </span>
        )}
        {claimedByOther && (
          <span className="rounded-full bg-amber-50 px-2 py-0.5 text-xs font-medium text-amber-900" data-testid="claim-other" role="status">
            Being reviewed by {claimedByOther.email}
          </span>
        )}
        {scanning ? (
          <span className="text-sm text-slate-600" role="status">
            The scan is in progress; this page updates by itself.
          </span>
        ) : null}
        <span className="ml-auto flex items-center gap-2">
          <ShortcutsDialog />
          <Link href={`/cases/${c.id}/report`} className="rounded-md border border-slate-300 px-2 py-1 text-xs text-slate-600 hover:bg-slate-100" data-testid="report-link">
            Evidence report
          </Link>
          {roleCan(actor.role, "rescan") && canRescanState(c.state) && !removedAt && <RescanButton caseId={c.id} />}
          {nextId && (
            <Link href={`/cases/${nextId}`} className="rounded-md bg-slate-900 px-3 py-1 text-sm text-white">
              Next to review →
            </Link>
          )}
        </span>
      </div>

      {/* Three grid items so that a phone shows the image, then the verdict and decision, then the evidence;
          from lg up the verdict column sits beside both and stays in view. */}
      <div className="grid grid-cols-1 items-start gap-4 lg:grid-cols-[minmax(0,1fr)_22rem]">
        <div className="min-w-0 lg:col-start-1 lg:row-start-1">
          {removedAt ? (
            <section className={`${card} flex min-h-64 flex-col items-center justify-center gap-2 border-dashed text-center`} data-testid="image-removed">
              <h2 className="font-semibold">Image removed</h2>
              <p className="max-w-lg text-sm text-slate-600">
                The policy <strong>{detail.policy.name}</strong> keeps images for {detail.policy.retentionDays ?? "a number of"} days after a case is settled; this
                case&apos;s image ({c.image.width}×{c.image.height} {c.image.format}) and its maps were removed on {removedAt.toLocaleString()}. The verdict, the
                signal scores, the hashes and the decisions below remain.
              </p>
              <p className="break-all font-mono text-xs text-slate-500">sha256 {c.image.sha256}</p>
            </section>
          ) : (
            <CaseViewer key={c.id} imageUrl={c.links.display_image} alt={c.filename || "Submitted image"} width={size.width} height={size.height} overlays={overlays} blurred={detail.policy.blurImages} />
          )}
        </div>

        <aside className="space-y-3 lg:sticky lg:top-3 lg:col-start-2 lg:row-span-2 lg:row-start-1 lg:max-h-[calc(100vh-1.5rem)] lg:overflow-y-auto lg:pb-2" aria-label="Verdict and decision">
          <section className={card} data-testid="verdict-card">
            {det ? (
              <div className="space-y-2">
                <div className="flex items-baseline justify-between gap-2">
                  <span className="text-lg">
                    <VerdictLabel verdict={det.verdict} score={null} />
                  </span>
                  {attribution?.most_likely && (
                    <span className="truncate text-xs text-slate-600" data-testid="attribution" title={`from ${attribution.source}`}>
                      {attribution.most_likely} · {(attribution.confidence * 100).toFixed(0)}%
                    </span>
                  )}
                </div>
                <p className="text-sm leading-snug text-slate-800" data-testid="verdict-sentence">{sentence}</p>
                <div className="flex gap-3 pt-1">
                  <NumberHint label="Score" value={`${det.score.toFixed(0)}/100`} hint={NUMBER_HINTS.score} testId="hint-score" />
                  <NumberHint label="Confidence" value={`${(det.confidence * 100).toFixed(0)}%`} hint={NUMBER_HINTS.confidence} testId="hint-confidence" />
                  <NumberHint label="Uncertainty" value={`${(det.uncertainty * 100).toFixed(0)}%`} hint={NUMBER_HINTS.uncertainty} testId="hint-uncertainty" />
                </div>
              </div>
            ) : (
              <p className="text-sm text-slate-700" data-testid="verdict-sentence">{sentence}</p>
            )}
          </section>

          <section className={card} aria-label="Decision">
            <h2 className="mb-2 text-sm font-semibold">Decision</h2>
            {c.decisions.length > 0 && (
              <ol className="mb-2 space-y-1.5">
                {detail.decisions.map(({ decision: d, reviewer }) => {
                  const status = d.undoneAt ? "undone" : superseded.has(d.id) ? "amended" : "in force";
                  return (
                    <li key={d.id} className={`text-sm ${status === "in force" ? "" : "text-slate-600"}`} data-testid="decision" data-status={status}>
                      <strong className={status === "undone" ? "line-through" : ""}>{OUTCOME_LABELS[d.outcome]}</strong>
                      {status !== "in force" && <span className="ml-1 text-xs">({status})</span>}
                      <span className="block text-xs text-slate-600">
                        {reviewer.email} · {d.createdAt.toLocaleString()}
                        {d.supersedesId ? " · amendment" : ""}
                      </span>
                      {d.note && <span className="block text-slate-600">“{d.note}”</span>}
                    </li>
                  );
                })}
              </ol>
            )}
            {canDecide && <ApplySameDecision caseId={c.id} related={related} />}
            <DecisionPanel caseId={c.id} canDecide={canDecide} canAmend={canAmend} inSession={inSession} isModerator={isModerator} />
            {!canDecide && !canAmend && c.decisions.length === 0 && (
              <p className="text-sm text-slate-600">{isModerator ? "A decision can be made once the scan has finished." : "Moderators record decisions."}</p>
            )}
          </section>

          <NotesCard
            caseId={c.id}
            notes={detail.notes.map(({ note, author }) => ({ id: note.id, body: note.body, author, viaApiKey: note.apiKeyId !== null, at: utcMinute(note.createdAt) }))}
            canWrite={roleCan(actor.role, "noteCases")}
          />

          {det && (
            <section className={`${card} space-y-2 text-sm`}>
              <h2 className="font-semibold">Why</h2>
              <ol className="list-decimal space-y-1 pl-5 text-slate-700" data-testid="reasons">
                {det.reasons.map((r, i) => (
                  <li key={i}>{r}</li>
                ))}
              </ol>
              <p className="text-xs text-slate-600">
                {det.engine_version} · {det.fusion_version}
                {det.model_version ? ` · ${det.model_version}` : ""}
                {det.policy
                  ? ` · policy ${det.policy.name} as it was at scan time (quarantine ≥ ${det.policy.quarantine_threshold}${detail.detection?.policy?.autoClearThreshold ? `, auto-clear ≤ ${detail.detection.policy.autoClearThreshold}` : ""}, inconclusive → ${det.policy.inconclusive_action})`
                  : ` · policy ${c.policy.name}`}
              </p>
            </section>
          )}
        </aside>

        <div className="min-w-0 space-y-4 lg:col-start-1 lg:row-start-2">

          {charts.map((ch) => (
            <section key={ch.signal} className={`${card} grid grid-cols-1 gap-4 sm:grid-cols-[10rem_minmax(0,1fr)]`} data-testid="signal-chart" data-signal={ch.signal}>
              {/* eslint-disable-next-line @next/next/no-img-element */}
              <img src={ch.url} alt={`${ch.label} of the image`} className="aspect-square w-40 rounded-md bg-slate-900" style={{ imageRendering: "pixelated" }} />
              <div className="min-w-0 space-y-2">
                <h2 className="font-semibold">{ch.label}</h2>
                <p className="text-sm text-slate-600">
                  {ch.description}. This is a chart of the whole image&apos;s frequencies, not a map of places in it, so it is never laid over the photo.
                </p>
                <Legend legend={ch.legend} />
              </div>
            </section>
          ))}

          <section className={`${card} space-y-3`}>
            <h2 className="font-semibold">Signal breakdown</h2>
            {det ? <SignalTable signals={det.signals} /> : <p className="text-sm text-slate-600">No detection yet.</p>}
            {c.last_error && (
              <p className="break-words rounded border border-amber-200 bg-amber-50 p-2 text-sm text-amber-900">
                Last scan error (attempt {c.attempts}): {c.last_error}
              </p>
            )}
          </section>

          <div className="grid grid-cols-1 gap-4 md:grid-cols-2">
            <section className={`${card} text-sm`} data-testid="related-cases">
              <h2 className="mb-2 font-semibold">Seen before</h2>
              {related.length === 0 ? (
                <p className="text-slate-600">No other case has this image or a near-duplicate of it.</p>
              ) : (
                <ul className="space-y-1">
                  {related.map((r) => (
                    <li key={r.id} className="flex items-center gap-2">
                      <Link href={`/cases/${r.id}`} className="truncate font-mono underline-offset-2 hover:underline">
                        {r.filename || r.id}
                      </Link>
                      <StateBadge state={r.state} />
                      <span className="ml-auto text-xs text-slate-600">
                        {r.sameImage ? "same file" : `near-duplicate (${r.distance}/64)`}
                        {r.outcome ? ` · ${r.outcome.replace(/_/g, " ")}` : ""}
                      </span>
                    </li>
                  ))}
                </ul>
              )}
            </section>

            <ImageListsCard
              caseId={c.id}
              matches={
                // A detection from before image lists existed recorded none (null): it never looked.
                detail.detection?.listMatches
                  ? detail.detection.listMatches.map((m) => ({
                      listName: m.listName,
                      action: m.action,
                      match: m.match,
                      distance: m.distance,
                      decided: detail.detection!.policy?.list?.listId === m.listId,
                    }))
                  : null
              }
              holding={holding.map((h) => h.name)}
              lists={lists.map((l) => ({ id: l.id, name: l.name, action: l.action }))}
              // Lists that already hold the file have nothing to add.
              autoAdd={lists.flatMap((l) =>
                (l.autoAddOutcome === "confirmed_ai" || l.autoAddOutcome === "authentic") && !holding.some((h) => h.listId === l.id) ? [{ name: l.name, outcome: l.autoAddOutcome }] : [],
              )}
              canAdd={canAddToList && !detail.case.deletedAt}
            />

            <section className={`${card} text-sm`}>
              <h2 className="mb-2 font-semibold">Image</h2>
              <dl className="grid grid-cols-[auto_minmax(0,1fr)] gap-x-3 gap-y-1 text-slate-600">
                <dt>Format</dt><dd>{c.image.mime}</dd>
                <dt>Size</dt><dd>{size.width}×{size.height}, {(c.image.size_bytes / 1024).toFixed(0)} KB</dd>
                <dt>SHA-256</dt><dd className="truncate font-mono text-xs" title={c.image.sha256}>{c.image.sha256}</dd>
                <dt>dHash</dt><dd className="font-mono text-xs">{c.image.phash}</dd>
                <dt>Source</dt><dd>{c.source}</dd>
                <dt>Original</dt><dd><a href={c.links.image} className="text-sky-700 hover:underline">Download as submitted</a></dd>
              </dl>
            </section>

            {c.scans.length > 1 && (
              <section className={`${card} text-sm`} data-testid="scan-history">
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

            <section className={`${card} text-sm`}>
              <h2 className="mb-2 font-semibold">History</h2>
              <ol className="space-y-1 text-slate-600">
                {detail.history.map((e) => {
                  const d = e.data;
                  return (
                    <li key={e.id}>
                      <span className="font-mono text-xs text-slate-600">{e.createdAt.toLocaleTimeString()}</span>{" "}
                      {e.action === "case.transition" ? `${d.from} → ${d.to} (${d.reason})` : e.action}
                    </li>
                  );
                })}
              </ol>
            </section>
          </div>
        </div>

      </div>
    </div>
  );
}
