// API output always goes through these DTOs, never raw rows (STYLE.md, Code §4).
import type { Case, Detection, Image } from "../../db/schema";
import type { CaseDetail } from "../cases/queries";

export function imageDto(image: Image) {
  return {
    id: image.id,
    sha256: image.sha256,
    mime: image.mime,
    format: image.format,
    width: image.width,
    height: image.height,
    size_bytes: image.sizeBytes,
    phash: image.phash,
  };
}

interface StoredSignal {
  id: string;
  version: string;
  status: string;
  score: number | null;
  flags: unknown[];
  summary: string;
  details?: unknown;
  ms: number;
  error?: string;
  heatmap?: { key: string; label: string };
}

export type SignalDto = ReturnType<typeof detectionDto>["signals"][number];

export function detectionDto(d: Detection, caseId: string) {
  const signals = (d.signals as StoredSignal[]).map((s) => ({
    id: s.id,
    version: s.version,
    status: s.status,
    score: s.score,
    flags: s.flags,
    summary: s.summary,
    details: s.details ?? null,
    ms: s.ms,
    ...(s.error ? { error: s.error } : {}),
    heatmap: s.heatmap ? { label: s.heatmap.label, url: `/api/v1/cases/${caseId}/heatmaps/${s.id}` } : null,
  }));
  return {
    id: d.id,
    verdict: d.verdict,
    score: d.score,
    confidence: d.confidence,
    uncertainty: d.uncertainty,
    reasons: d.reasons as string[],
    attribution: d.attribution,
    engine_version: d.engineVersion,
    model_version: d.modelVersion,
    fusion_version: d.fusionVersion,
    timings: d.timings,
    signals,
    created_at: d.createdAt.toISOString(),
  };
}

export function caseDto(c: Case, image: Image) {
  return {
    id: c.id,
    state: c.state,
    verdict: c.verdict,
    score: c.score,
    confidence: c.confidence,
    source: c.source,
    filename: c.filename,
    external_ref: c.externalRef,
    attempts: c.attempts,
    last_error: c.lastError,
    image: imageDto(image),
    created_at: c.createdAt.toISOString(),
    updated_at: c.updatedAt.toISOString(),
    scanned_at: c.scannedAt?.toISOString() ?? null,
    reviewed_at: c.reviewedAt?.toISOString() ?? null,
    links: { self: `/api/v1/cases/${c.id}`, image: `/api/v1/cases/${c.id}/image` },
  };
}

export function caseDetailDto(d: CaseDetail) {
  return {
    ...caseDto(d.case, d.image),
    policy: { id: d.policy.id, name: d.policy.name, quarantine_threshold: d.policy.quarantineThreshold },
    detection: d.detection ? detectionDto(d.detection, d.case.id) : null,
    decisions: d.decisions.map(({ decision, reviewer }) => ({
      id: decision.id,
      outcome: decision.outcome,
      note: decision.note,
      reviewer: reviewer.email,
      created_at: decision.createdAt.toISOString(),
    })),
  };
}
