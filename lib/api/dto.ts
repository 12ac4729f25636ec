// API output always goes through these DTOs, never raw rows (CONTRIBUTING.md, "API output").
import type { Case, Detection, Image, ImageListEntry, Job, ListMatch } from "../../db/schema";
import type { ListSummary } from "../lists/queries";
import type { DetectionTimings } from "../../db/schema/detections";
import type { KeyUsage } from "../api-keys/queries";
import type { CaseDetail, listCases } from "../cases/queries";
import type { DeleteCaseResult } from "../cases/delete-case";
import type { CaseNoteView } from "../cases/case-notes";
import type { submitImage } from "../cases/submit-image";
import type { CreateJobResult } from "../jobs/create-job";
import { jobStatus } from "../jobs/status";
import type { Attribution, SignalResult } from "../detection";
import type { AnalyseForensicsOutcome as ForensicsOutcome } from "../detect/analyse-forensics";
import type { BatchResult } from "../detect/detect-batch";
import type { DetectOutcome } from "../detect/detect-image";
import type { C2paOutcome } from "../detect/verify-c2pa";
import { toEnvelope } from "../errors";

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

/** The engine's attribution in the API's snake_case (the same shape in /detect, cases, jobs and webhooks). */
export function attributionDto(a: Attribution) {
  return { most_likely: a.mostLikely, confidence: a.confidence, source: a.source, alternatives: a.alternatives };
}

const camelKey = /^[a-z][a-zA-Z0-9]*$/;
const toSnake = (k: string) => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/**
 * A signal's free-form details with its own camelCase field names in snake_case, at every depth. Only
 * identifier-like camelCase keys are renamed: keys that are data (an EXIF tag such as "Software", a C2PA
 * assertion label) are left as the image wrote them.
 */
export function snakeKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(snakeKeys);
  if (v === null || typeof v !== "object") return v;
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [camelKey.test(k) ? toSnake(k) : k, snakeKeys(x)]));
}

/** The engine's timings (and what it measured of the image, when recorded) in snake_case. */
function timingsDto(t: DetectionTimings) {
  return {
    decode_ms: t.decodeMs,
    total_ms: t.totalMs,
    ...(t.image
      ? {
          image: {
            mime: t.image.mime,
            format: t.image.format,
            width: t.image.width,
            height: t.image.height,
            bytes: t.image.sizeBytes,
            analysed_width: t.image.analysedWidth,
            analysed_height: t.image.analysedHeight,
          },
        }
      : {}),
  };
}

/** An image list (lib/lists/), with its entry count. */
export function imageListDto(l: ListSummary) {
  return {
    id: l.id,
    name: l.name,
    action: l.action,
    description: l.description,
    auto_add_outcome: l.autoAddOutcome,
    entries: l.entries,
    created_by: l.createdByEmail,
    created_at: l.createdAt.toISOString(),
  };
}

/** One entry of an image list: hashes, never the image. */
export function imageListEntryDto(e: ImageListEntry & { addedByEmail?: string | null }) {
  return {
    id: e.id,
    list_id: e.listId,
    sha256: e.sha256,
    dhash: e.phash,
    /** False for an entry known by its sha256 alone, or a flat picture: it matches the same file only. */
    near_duplicates: Boolean(e.phash && e.phashInformative),
    filename: e.filename,
    note: e.note,
    case_id: e.caseId,
    decision_id: e.decisionId,
    added_by: e.addedByEmail ?? null,
    created_at: e.createdAt.toISOString(),
  };
}

/** An image list the image matched (lib/lists/). */
export function listMatchDto(m: ListMatch) {
  return { list_id: m.listId, list_name: m.listName, action: m.action, entry_id: m.entryId, match: m.match, distance: m.distance, note: m.note };
}

export function detectionDto(d: Detection, caseId: string) {
  const signals = d.signals.map((s) => ({
    id: s.id,
    version: s.version,
    status: s.status,
    score: s.score,
    flags: s.flags,
    summary: s.summary,
    details: s.details ? (snakeKeys(s.details) as Record<string, unknown>) : null,
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
    attribution: attributionDto(d.attribution),
    engine_version: d.engineVersion,
    model_version: d.modelVersion,
    fusion_version: d.fusionVersion,
    timings: timingsDto(d.timings),
    policy: d.policy
      ? {
          id: d.policy.id,
          name: d.policy.name,
          quarantine_threshold: d.policy.quarantineThreshold,
          auto_clear_threshold: d.policy.autoClearThreshold ?? 0,
          inconclusive_action: d.policy.inconclusiveAction,
          outcome: d.policy.outcome,
          list_id: d.policy.list?.listId ?? null,
        }
      : null,
    list_matches: (d.listMatches ?? []).map(listMatchDto),
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
    image_removed_at: c.imageRemovedAt?.toISOString() ?? null,
    scan: c.scan,
    links: { self: `/api/v1/cases/${c.id}`, image: `/api/v1/cases/${c.id}/image`, display_image: `/api/v1/cases/${c.id}/image?variant=display` },
  };
}

export function caseDetailDto(d: CaseDetail) {
  return {
    ...caseDto(d.case, d.image),
    policy: { id: d.policy.id, name: d.policy.name, quarantine_threshold: d.policy.quarantineThreshold, auto_clear_threshold: d.policy.autoClearThreshold, blur_images: d.policy.blurImages },
    detection: d.detection ? detectionDto(d.detection, d.case.id) : null,
    scans: d.scans.map((x) => ({
      detection_id: x.id,
      scan: x.scan,
      verdict: x.verdict,
      score: x.score,
      policy: x.policy ? { name: x.policy.name, quarantine_threshold: x.policy.quarantineThreshold, auto_clear_threshold: x.policy.autoClearThreshold ?? 0, inconclusive_action: x.policy.inconclusiveAction, outcome: x.policy.outcome } : null,
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
    notes: d.notes.map(caseNoteDto),
  };
}

/** A note on a case (lib/cases/case-notes.ts). */
export function caseNoteDto({ note, author }: CaseNoteView) {
  return { id: note.id, body: note.body, author, via_api_key: note.apiKeyId !== null, created_at: note.createdAt.toISOString() };
}

/** A page of cases (GET /api/v1/cases). */
export function caseListDto(page: Awaited<ReturnType<typeof listCases>>) {
  return { data: page.items.map((r) => caseDto(r.case, r.image)), next_cursor: page.nextCursor };
}

/** A case just submitted (POST /api/v1/cases), or the existing one for the same bytes. */
export function createdCaseDto(r: Awaited<ReturnType<typeof submitImage>>) {
  return { ...caseDto(r.case, r.image), deduplicated: r.deduplicated };
}

/** What DELETE /api/v1/cases/{id} removed. */
export function deletedCaseDto(r: DeleteCaseResult) {
  return { id: r.id, deleted: true as const, deleted_at: r.deletedAt.toISOString(), image_deleted: r.imageDeleted };
}

/** GET /api/v1/usage: the caller's keys over [from, to). */
export function usageDto(range: { from: string; to: string }, rows: KeyUsage[]) {
  return { from: range.from, to: range.to, data: rows.map(keyUsageDto) };
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
/** A job just submitted (POST /api/v1/detect/async): with a webhook_url, the endpoint's signing secret, shown once. */
export function createdJobDto(created: CreateJobResult, webhookUrl: string | undefined) {
  return {
    ...jobDto(created.job, created.case, { detection: null }),
    webhook: created.webhookSecret && webhookUrl ? { url: webhookUrl, secret: created.webhookSecret } : null,
  };
}

// ---- Detection API (POST /api/v1/detect, /detect/batch, /forensics, /c2pa/verify) ----
// The shapes below are the v1 result contract; field comments are meant for the OpenAPI document.

type DetectSignal = Pick<SignalResult, "id" | "version" | "status" | "score" | "flags" | "summary" | "details" | "error">;

/** PNG bytes as a data URL (heatmaps returned inline). */
function pngDataUrl(png: Buffer): string {
  return `data:image/png;base64,${png.toString("base64")}`;
}

/**
 * The Content Credentials part of a result, from the c2pa signal's details (lib/detection/signals/c2pa.ts).
 * `manifest_present` is null when the check could not run (SDK missing, format that cannot carry C2PA).
 */
export function c2paDto(signal: DetectSignal | undefined) {
  if (!signal) return null;
  const d = (signal.details ?? {}) as {
    state?: string;
    intact?: boolean;
    failureCodes?: string[];
    signer?: { issuer: string | null; commonName: string | null; time: string | null };
    claimGenerator?: string | null;
    sourceTypes?: string[];
    aiDeclaration?: { sourceType: string; action: string; softwareAgent: string | null; manifest: string } | null;
    captureDeclaration?: { sourceType: string; action: string; softwareAgent: string | null; manifest: string } | null;
    manifests?: number;
    actions?: { action: string; softwareAgent: string | null; sourceType: string | null; manifest: string }[];
    remoteUrl?: string | null;
  };
  const codes = new Set(signal.flags.map((f) => f.code));
  const checked = !(codes.has("c2pa_unavailable") || codes.has("c2pa_unsupported_format") || signal.status === "error");
  const validated = d.state === "trusted" || d.state === "valid" || d.state === "invalid";
  const declaration = (x: typeof d.aiDeclaration) => (x ? { source_type: x.sourceType, action: x.action, software_agent: x.softwareAgent, manifest: x.manifest } : null);
  return {
    /** False when the c2pa check did not run (no SDK here, or a format that cannot carry C2PA). */
    checked,
    /** An embedded manifest store was found (readable or not); null when not checked. */
    manifest_present: checked ? validated || codes.has("c2pa_unreadable") : null,
    /** trusted | valid (intact, signer not on the trust list) | invalid; null without a readable manifest. */
    validation_state: validated ? d.state : null,
    /** Signature and content hash verify (only credential-level failures, if any). */
    intact: validated ? (d.intact ?? null) : null,
    failure_codes: d.failureCodes ?? [],
    signer: d.signer ? { issuer: d.signer.issuer, common_name: d.signer.commonName, time: d.signer.time } : null,
    claim_generator: d.claimGenerator ?? null,
    manifests: d.manifests ?? 0,
    actions: (d.actions ?? []).map((a) => ({ action: a.action, software_agent: a.softwareAgent, digital_source_type: a.sourceType, manifest: a.manifest })),
    digital_source_types: d.sourceTypes ?? [],
    /** True when an action declares an IPTC trainedAlgorithmicMedia source type (made with generative AI). */
    ai_declared: Boolean(d.aiDeclaration),
    ai_declaration: declaration(d.aiDeclaration),
    capture_declaration: declaration(d.captureDeclaration),
    /** A manifest referenced by URL only: never fetched. */
    remote_manifest_url: d.remoteUrl ?? null,
    summary: signal.summary,
    flags: signal.flags,
  };
}

function signalsDto(signals: DetectSignal[]) {
  return Object.fromEntries(
    signals.map((s) => [
      s.id,
      {
        /** 0..1 evidence the image is AI-generated; null when not applicable or failed. */
        score: s.score,
        status: s.status,
        version: s.version,
        flags: s.flags,
        summary: s.summary,
        ...(s.error ? { error: s.error } : {}),
      },
    ]),
  );
}

/** One image's synchronous detection result. */
export function detectResultDto(o: DetectOutcome, requestId: string) {
  const r = o.report;
  return {
    verdict: r.verdict,
    /** 0..100: fused probability that the image is AI-generated. */
    score: r.score,
    /** 0..1: how sure the engine is of the verdict. */
    confidence: r.confidence,
    /** 0..1: spread of the evidence. */
    uncertainty: r.uncertainty,
    /** verdict is ai_generated, or score reached the policy's quarantine threshold. */
    is_ai: o.isAi,
    reasons: r.reasons,
    attribution: attributionDto(r.attribution),
    signals: signalsDto(r.signals),
    ...(o.heatmaps
      ? {
          heatmaps: Object.fromEntries(
            Object.entries(o.heatmaps).map(([id, h]) => [id, { label: h.label, ...(h.png ? { data_url: pngDataUrl(h.png) } : {}), ...(h.url ? { url: h.url } : {}) }]),
          ),
        }
      : {}),
    c2pa: c2paDto(r.signals.find((s) => s.id === "c2pa")),
    hashes: { sha256: o.hashes.sha256, dhash: o.hashes.dhash },
    image: { format: r.image.format, mime: r.image.mime, width: r.image.width, height: r.image.height, bytes: r.image.sizeBytes },
    policy: {
      id: o.policy.id,
      name: o.policy.name,
      quarantine_threshold: o.policy.quarantineThreshold,
      auto_clear_threshold: o.policy.autoClearThreshold,
      inconclusive_action: o.policy.inconclusiveAction,
      /** What the review queue would do with this result under the policy (image lists first). */
      outcome: o.policy.outcome,
      /** The image list that decided the outcome instead of the thresholds, if any. */
      list_id: o.policy.listId,
    },
    list_matches: o.listMatches.map(listMatchDto),
    metadata: o.metadata,
    ...(o.created
      ? {
          case: {
            ...caseDto(o.created.case, o.created.image),
            deduplicated: o.created.deduplicated,
            /** This result was recorded as the case's scan (false: the queue's worker scans it). */
            scanned_by_request: o.created.scannedHere,
          },
        }
      : {}),
    engine: { engine: r.engineVersion, model: r.modelVersion, fusion: r.fusionVersion },
    request_id: requestId,
    latency_ms: o.latencyMs,
    /** Answered from the detection cache (same bytes, engine, model, fusion and options). */
    cached: o.cached,
  };
}

/** POST /api/v1/detect/batch (207): every item in input order, and the counts. */
export function batchDto(results: BatchResult[], requestId: string) {
  return {
    data: results.map((r, i) => batchItemDto(i, r, requestId)),
    succeeded: results.filter((r) => r.ok).length,
    failed: results.filter((r) => !r.ok).length,
    request_id: requestId,
  };
}

/** One item of a batch: its result, or its error envelope, at its input position. */
export function batchItemDto(index: number, r: BatchResult, requestId: string) {
  if (r.ok) return { index, status: 200, result: detectResultDto(r.outcome, requestId) };
  return { index, status: r.error.status, error: toEnvelope(r.error, requestId).error };
}

export function forensicsDto(o: ForensicsOutcome, requestId: string) {
  return {
    image: o.image,
    maps: Object.fromEntries(
      o.signals.map((s) => [
        s.id,
        {
          score: s.score,
          status: s.status,
          version: s.version,
          summary: s.summary,
          flags: s.flags,
          /** The map as a PNG data URL, in display orientation; null when the signal drew none. */
          heatmap: s.heatmap ? { label: s.heatmap.label, data_url: pngDataUrl(s.heatmap.png) } : null,
          ...(s.error ? { error: s.error } : {}),
        },
      ]),
    ),
    request_id: requestId,
    latency_ms: o.latencyMs,
  };
}

export function c2paVerifyDto(o: C2paOutcome, requestId: string) {
  return { image: o.image, c2pa: c2paDto(o.signal)!, request_id: requestId, latency_ms: o.latencyMs };
}
