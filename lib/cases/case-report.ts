// The evidence report of a case: everything a moderator saw and did, as one JSON document
// (GET /api/v1/cases/{id}/report) and a printable page (/cases/{id}/report). Built from the API's
// DTOs, so it carries no raw row.
import { caseDetailDto } from "../api/dto";
import type { CaseDetail } from "./queries";
import { signalPresentation } from "./signal-labels";
import { OUTCOME_LABELS, verdictSentence } from "./verdict-sentence";

/** Signals whose findings describe where the file came from rather than its pixels. */
const PROVENANCE_SIGNALS = ["c2pa", "metadata", "watermark"];

export function caseReport(detail: CaseDetail, generatedAt = new Date()) {
  const c = caseDetailDto(detail);
  const det = c.detection;
  const live = detail.decisions.filter((d) => !d.decision.undoneAt);
  const inForce = live.at(-1) ?? null;
  const superseded = new Set(live.flatMap((d) => (d.decision.supersedesId ? [d.decision.supersedesId] : [])));
  return {
    report_version: 1,
    generated_at: generatedAt.toISOString(),
    case: { id: c.id, state: c.state, filename: c.filename, source: c.source, external_ref: c.external_ref, created_at: c.created_at, scanned_at: c.scanned_at, reviewed_at: c.reviewed_at, image_removed_at: c.image_removed_at, scan: c.scan },
    verdict_sentence: verdictSentence({
      state: c.state,
      detection: detail.detection ? { verdict: detail.detection.verdict, score: detail.detection.score, policy: detail.detection.policy } : null,
      decision: inForce ? { outcome: inForce.decision.outcome, reviewer: inForce.reviewer.email } : null,
    }),
    image: { ...c.image, links: { original: c.links.image, display: c.links.display_image } },
    detection: det
      ? {
          id: det.id,
          verdict: det.verdict,
          score: det.score,
          confidence: det.confidence,
          uncertainty: det.uncertainty,
          reasons: det.reasons,
          attribution: det.attribution,
          engine_version: det.engine_version,
          model_version: det.model_version,
          fusion_version: det.fusion_version,
          policy_at_scan: det.policy,
          /** The image lists the image was on at the scan (the one in policy_at_scan.list_id decided). */
          list_matches: det.list_matches,
          created_at: det.created_at,
        }
      : null,
    signals: (det?.signals ?? []).map((s) => ({
      id: s.id,
      label: signalPresentation(s.id).label,
      version: s.version,
      status: s.status,
      score: s.score,
      summary: s.summary,
      flags: s.flags,
      map: s.heatmap ? { kind: signalPresentation(s.id).map, description: s.heatmap.label, url: s.heatmap.url } : null,
    })),
    provenance: (det?.signals ?? [])
      .filter((s) => PROVENANCE_SIGNALS.includes(s.id))
      .map((s) => ({ id: s.id, label: signalPresentation(s.id).label, status: s.status, summary: s.summary, flags: s.flags })),
    scans: c.scans,
    decisions: detail.decisions.map(({ decision: d, reviewer }) => ({
      id: d.id,
      outcome: d.outcome,
      outcome_label: OUTCOME_LABELS[d.outcome],
      note: d.note,
      reviewer: reviewer.email,
      created_at: d.createdAt.toISOString(),
      supersedes: d.supersedesId,
      status: d.undoneAt ? ("undone" as const) : superseded.has(d.id) ? ("amended" as const) : ("in_force" as const),
      undone_at: d.undoneAt?.toISOString() ?? null,
    })),
    notes: c.notes,
    history: detail.history.map((e) => ({ at: e.createdAt.toISOString(), action: e.action, actor_type: e.actorType, data: e.data })),
  };
}

export type CaseReport = ReturnType<typeof caseReport>;
