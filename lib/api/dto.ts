// API output always goes through these DTOs, never raw rows (CONTRIBUTING.md, "API output").
import type { Case, Detection, Image, Job } from "../../db/schema";
import type { KeyUsage } from "../api-keys/queries";
import type { CaseDetail } from "../cases/queries";
import { jobStatus } from "../jobs/status";

export function imageDto(image: Image) {
  return {
    id: image.id,
    sha256: image.sha256,
    mime: image.mime,
    format: image.format,
    width: image.width,
    height: image.height,
    size_bytes: image.sizeBytes,
    orientation: image.orientation ?? 1,
    phash: image.phash,
    /** False for flat pictures: their hash is not used to find near-duplicates. */
    phash_informative: image.phashInformative,
  };
}

export type SignalDto = ReturnType<typeof detectionDto>["signals"][number];

export function detectionDto(d: Detection, caseId: string) {
  const signals = d.signals.map((s) => ({
    id: s.id,
    version: s.version,
    status: s.status,
    score: s.score,
    flags: s.flags,
    summary: s.summary,
    details: s.details ?? null,
    ms: s.ms,
    ...(s.error ? { error: s.error } : {}),
    heatmap: s.heatmap ? { label: s.heatmap.label, url: `/api/v1/cases/${caseId}/heatmaps/${s.id}?detection=${d.id}` } : null,
  }));
  return {
    id: d.id,
    verdict: d.verdict,
    score: d.score,
    confidence: d.confidence,
    uncertainty: d.uncertainty,
    scan: d.scan,
    reasons: d.reasons,
    attribution: d.attribution,
    engine_version: d.engineVersion,
    model_version: d.modelVersion,
    fusion_version: d.fusionVersion,
    timings: d.timings,
    policy: d.policy
      ? { id: d.policy.id, name: d.policy.name, quarantine_threshold: d.policy.quarantineThreshold, inconclusive_action: d.policy.inconclusiveAction, outcome: d.policy.outcome }
      : null,
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
    scan: c.scan,
    links: { self: `/api/v1/cases/${c.id}`, image: `/api/v1/cases/${c.id}/image`, display_image: `/api/v1/cases/${c.id}/image?variant=display` },
  };
}

export function caseDetailDto(d: CaseDetail) {
  return {
    ...caseDto(d.case, d.image),
    policy: { id: d.policy.id, name: d.policy.name, quarantine_threshold: d.policy.quarantineThreshold },
    detection: d.detection ? detectionDto(d.detection, d.case.id) : null,
    scans: d.scans.map((x) => ({
      detection_id: x.id,
      scan: x.scan,
      verdict: x.verdict,
      score: x.score,
      policy: x.policy ? { name: x.policy.name, quarantine_threshold: x.policy.quarantineThreshold, inconclusive_action: x.policy.inconclusiveAction, outcome: x.policy.outcome } : null,
      engine_version: x.engineVersion,
      model_version: x.modelVersion,
      created_at: x.createdAt.toISOString(),
    })),
    decisions: d.decisions.map(({ decision, reviewer }) => ({
      id: decision.id,
      outcome: decision.outcome,
      note: decision.note,
      reviewer: reviewer.email,
      created_at: decision.createdAt.toISOString(),
    })),
  };
}

/** One key's usage (GET /api/v1/usage). */
export function keyUsageDto(u: KeyUsage) {
  return {
    key: { id: u.key.id, name: u.key.name, prefix: u.key.prefix, scopes: u.key.scopes },
    rate_limit_per_minute: u.limits.rateLimitPerMinute,
    monthly_image_quota: u.limits.monthlyImageQuota,
    requests: u.requests,
    images: u.images,
    by_day: u.days.map((d) => ({ date: d.day, requests: d.requests, images: d.images })),
    month: { start: u.month.start, images: u.month.images, remaining_images: u.month.remaining },
  };
}

/** The user-facing reason a job failed: the case's stored message, never internal error text. */
const JOB_FAILED_MESSAGE = "The scan did not complete; the case waits for manual review.";

/**
 * An async job. `result` is the detection of the job's scan once completed (the case/detection DTO
 * above); `error` uses the API's error codes once failed.
 */
export function jobDto(job: Job, c: Case, opts: { detection: Detection | null }) {
  const status = jobStatus(job, c, opts.detection);
  return {
    id: job.id,
    object: "job" as const,
    status,
    case_id: c.id,
    external_ref: c.externalRef,
    metadata: job.metadata ?? null,
    attempts: c.scan === job.scan ? c.attempts : null,
    created_at: job.createdAt.toISOString(),
    updated_at: c.updatedAt.toISOString(),
    result: status === "completed" && opts.detection ? { case_state: c.state, detection: detectionDto(opts.detection, c.id) } : null,
    error: status === "failed" ? { code: "scan_failed" as const, message: (c.scan === job.scan ? c.lastError : null) ?? JOB_FAILED_MESSAGE } : null,
    links: { self: `/api/v1/jobs/${job.id}`, case: `/api/v1/cases/${c.id}` },
  };
}
