// The OpenAPI 3.1 document of the Integration API v1 (GET /api/v1/openapi.json). Hand-written schema
// objects that mirror the DTOs in lib/api/dto.ts; lib/api/openapi.test.ts keeps the path list, the
// methods, the scopes and the error codes in step with the route files and lib/errors.ts, and
// e2e/api/openapi.spec.ts validates real answers against these schemas.
import { API_KEY_SCOPES, AUTO_ADD_OUTCOMES, CASE_SOURCES, CASE_STATES, DECISION_OUTCOMES, INCONCLUSIVE_ACTIONS, LIST_ACTIONS, VERDICTS, WEBHOOK_EVENTS, type ApiKeyScope } from "../../db/schema/enums";
import { ERROR_CODES } from "../errors";
import { JOB_STATUSES } from "../jobs/status";
import { IDEMPOTENCY_KEY_MAX_LENGTH, MAX_CASE_NOTE_LENGTH, MAX_FILES_PER_BATCH, MAX_HASHES_PER_IMPORT, MAX_JOB_METADATA_BYTES, MAX_UPLOAD_BYTES } from "../limits";
import { DECIDABLE_STATES } from "../cases/transition";
import { EXPORT_COLUMNS, EXPORT_FORMATS } from "../cases/export-format";
import { LIST_EXPORT_COLUMNS, LIST_EXPORT_FORMATS } from "../lists/export-list";
import { QUEUE_DECISION_FILTERS } from "../cases/queue-params";
import { HEATMAP_MODES, RETENTION_MODES } from "../detect/options";

export type JsonSchema = { [k: string]: unknown };

const ref = (name: string): JsonSchema => ({ $ref: `#/components/schemas/${name}` });
const nullable = (s: JsonSchema): JsonSchema => ({ anyOf: [s, { type: "null" }] });
const str: JsonSchema = { type: "string" };
const strOrNull: JsonSchema = { type: ["string", "null"] };
const int: JsonSchema = { type: "integer" };
const num: JsonSchema = { type: "number" };
const numOrNull: JsonSchema = { type: ["number", "null"] };
const bool: JsonSchema = { type: "boolean" };
const dateTime: JsonSchema = { type: "string", format: "date-time" };
const dateTimeOrNull: JsonSchema = { type: ["string", "null"], format: "date-time" };
const anyObject: JsonSchema = { type: "object", additionalProperties: true };
const arrayOf = (items: JsonSchema): JsonSchema => ({ type: "array", items });
const mapOf = (values: JsonSchema): JsonSchema => ({ type: "object", additionalProperties: values });

/** An object whose listed properties are all required unless named in `optional`. */
function obj(properties: Record<string, JsonSchema>, optional: string[] = [], extra: JsonSchema = {}): JsonSchema {
  return { type: "object", properties, required: Object.keys(properties).filter((k) => !optional.includes(k)), ...extra };
}

const flag = obj({ code: str, message: str, direction: { type: "string", enum: ["ai", "authentic", "neutral"] } });
const signalStatus: JsonSchema = { type: "string", enum: ["ok", "not_applicable", "error"] };
const declaration = nullable(obj({ source_type: str, action: str, software_agent: strOrNull, manifest: str }));

const listMatches: JsonSchema = { ...arrayOf(ref("ListMatch")), description: "The image lists the image is on (an admin's known images): one entry per list, its closest entry." };
const listDecided: JsonSchema = { ...strOrNull, description: "The image list whose match decided the outcome instead of the thresholds (quarantine lists before clear lists), or null." };
const errorBody = obj(
      {
        code: { type: "string", enum: Object.keys(ERROR_CODES), description: "Stable, machine-readable; see the errors table in /docs/api." },
        message: { type: "string", description: "A sentence for people; may change." },
        param: { type: "string", description: "The request field, query parameter or header at fault, when there is one." },
        request_id: { type: "string", description: "The `req_…` id, also in the X-Request-Id header." },
      },
      ["param"],
    );

const detectOptions = obj(
    {
      signals: { description: "Signal ids to run (comma-separated in a form or query); default all.", anyOf: [str, arrayOf(str)] },
      include_heatmaps: { type: "string", enum: [...HEATMAP_MODES], default: "none" },
      policy: { ...str, description: "A policy name or id; default the default policy." },
      metadata: { description: "A JSON object (≤ 4 kB) echoed in the result; a JSON string in a form or query.", anyOf: [anyObject, str] },
      retention: { type: "string", enum: [...RETENTION_MODES], default: "default", description: "none: nothing about the image is stored." },
      create_case: { anyOf: [bool, { type: "string", enum: ["true", "false", "1", "0"] }], description: "Also record the image as a case in the review queue." },
      external_ref: str,
      filename: str,
    },
    ["signals", "include_heatmaps", "policy", "metadata", "retention", "create_case", "external_ref", "filename"],
    { additionalProperties: false },
  );

const schemas: Record<string, JsonSchema> = {
  Error: obj({ error: ref("ErrorBody") }),
  ErrorBody: errorBody,
  Flag: flag,
  Verdict: { type: "string", enum: [...VERDICTS] },
  Attribution: obj({
    most_likely: { ...strOrNull, description: "The generator the evidence points to, if any." },
    confidence: num,
    source: { type: "string", enum: ["c2pa", "metadata", "watermark", "model", "none"] },
    alternatives: arrayOf(obj({ name: str, confidence: num })),
  }),
  DetectSignal: obj(
    {
      score: { ...numOrNull, description: "0..1 evidence the image is AI-generated; null when not applicable or failed." },
      status: signalStatus,
      version: str,
      flags: arrayOf(ref("Flag")),
      summary: str,
      error: str,
    },
    ["error"],
  ),
  C2pa: obj({
    checked: { ...bool, description: "False when the c2pa check did not run (no SDK, or a format that cannot carry C2PA)." },
    manifest_present: { type: ["boolean", "null"], description: "An embedded manifest store was found; null when not checked." },
    validation_state: { type: ["string", "null"], enum: ["trusted", "valid", "invalid", null], description: "trusted | valid (intact, signer not on the trust list) | invalid; null without a readable manifest." },
    intact: { type: ["boolean", "null"] },
    failure_codes: arrayOf(str),
    signer: nullable(obj({ issuer: strOrNull, common_name: strOrNull, time: strOrNull })),
    claim_generator: strOrNull,
    manifests: int,
    actions: arrayOf(obj({ action: str, software_agent: strOrNull, digital_source_type: strOrNull, manifest: str })),
    digital_source_types: arrayOf(str),
    ai_declared: { ...bool, description: "An action declares an IPTC trainedAlgorithmicMedia source type." },
    ai_declaration: declaration,
    capture_declaration: declaration,
    remote_manifest_url: { ...strOrNull, description: "A manifest referenced by URL only: never fetched." },
    summary: str,
    flags: arrayOf(ref("Flag")),
  }),
  Image: obj({
    id: str,
    sha256: str,
    mime: str,
    format: str,
    width: int,
    height: int,
    size_bytes: int,
    orientation: int,
    phash: strOrNull,
    phash_informative: { ...bool, description: "False for flat pictures: their hash is not used to find near-duplicates." },
  }),
  ImageInfo: obj({ format: str, mime: str, width: int, height: int, bytes: int }),
  Case: obj({
    id: { type: "string", pattern: "^case_" },
    state: { type: "string", enum: [...CASE_STATES] },
    verdict: { type: ["string", "null"], enum: [...VERDICTS, null] },
    score: numOrNull,
    confidence: numOrNull,
    source: { type: "string", enum: [...CASE_SOURCES] },
    filename: strOrNull,
    external_ref: strOrNull,
    attempts: int,
    last_error: strOrNull,
    image: ref("Image"),
    created_at: dateTime,
    updated_at: dateTime,
    scanned_at: dateTimeOrNull,
    reviewed_at: dateTimeOrNull,
    image_removed_at: { ...dateTimeOrNull, description: "When the policy's retention removed the image and heatmaps (their routes answer 410 image_removed); null while the case has them." },
    scan: int,
    links: obj({ self: str, image: str, display_image: str }),
  }),
  CreatedCase: {
    allOf: [ref("Case"), obj({ deduplicated: { ...bool, description: "The same bytes were already a case: that case is returned." } })],
  },
  CaseList: obj({ data: arrayOf(ref("Case")), next_cursor: { ...strOrNull, description: "Pass as `cursor` for the next page; null on the last." } }),
  ListMatch: obj({
    list_id: str,
    list_name: str,
    action: { type: "string", enum: [...LIST_ACTIONS], description: "What a match does: quarantine or clear, whatever the score." },
    entry_id: str,
    match: { type: "string", enum: ["same_file", "near_duplicate"], description: "The same sha256, or a dHash within 6 of 64 bits." },
    distance: { ...int, description: "dHash bits that differ (0 for the same file)." },
    note: str,
  }),
  ImageList: obj({
    id: str,
    name: str,
    action: { type: "string", enum: [...LIST_ACTIONS], description: "What a match does to a scanned case: quarantine or clear, whatever the score." },
    description: str,
    auto_add_outcome: { type: ["string", "null"], enum: [...AUTO_ADD_OUTCOMES, null], description: "Cases decided with this outcome add their image by themselves, and take it away when that decision is undone or amended; null: entries by hand only." },
    entries: int,
    created_by: strOrNull,
    created_at: dateTime,
  }),
  ImageListEntry: obj({
    id: str,
    list_id: str,
    sha256: str,
    dhash: { ...strOrNull, description: "The difference hash (16 hex digits); null for an entry added by its sha256 alone." },
    near_duplicates: { ...bool, description: "Whether re-encoded or resized copies match too (false: the same file only)." },
    filename: str,
    note: str,
    case_id: { ...strOrNull, description: "The case it was added from." },
    decision_id: { ...strOrNull, description: "The decision that added it by itself (the list's auto_add_outcome); null for an entry added by hand." },
    added_by: strOrNull,
    created_at: dateTime,
  }),
  ImageListEntries: obj({ data: arrayOf(ref("ImageListEntry")), next_cursor: { ...strOrNull, description: "Pass as `cursor` for the next page; null on the last." } }),
  AddedListEntries: obj({
    added: int,
    already_listed: { ...int, description: "Hashes already on the list (left as they were), duplicates within the request included." },
    refused: { ...arrayOf(obj({ name: str, code: str, message: str })), description: "Image parts that are not readable images, with the error code an upload would get." },
    entries: arrayOf(ref("ImageListEntry")),
  }),
  Detection: obj({
    id: str,
    verdict: ref("Verdict"),
    score: num,
    confidence: num,
    uncertainty: num,
    scan: int,
    reasons: arrayOf(str),
    attribution: ref("Attribution"),
    engine_version: str,
    model_version: strOrNull,
    fusion_version: str,
    timings: obj(
      {
        decode_ms: num,
        total_ms: num,
        image: obj({ mime: str, format: str, width: int, height: int, bytes: int, analysed_width: int, analysed_height: int }),
      },
      ["image"],
    ),
    policy: nullable(obj({ id: str, name: str, quarantine_threshold: num, auto_clear_threshold: { ...num, description: "Scores at or below it are cleared whatever the verdict (0: off)." }, inconclusive_action: { type: "string", enum: [...INCONCLUSIVE_ACTIONS] }, outcome: str, list_id: listDecided })),
    list_matches: listMatches,
    signals: arrayOf(
      obj(
        {
          id: str,
          version: str,
          status: signalStatus,
          score: numOrNull,
          flags: arrayOf(ref("Flag")),
          summary: str,
          details: { ...nullable(anyObject), description: "The signal's own measurements; field names in snake_case, data keys (EXIF tags, C2PA labels) as found." },
          ms: num,
          error: str,
          heatmap: nullable(obj({ label: str, url: str })),
        },
        ["error"],
      ),
    ),
    created_at: dateTime,
  }),
  CaseDetail: {
    allOf: [
      ref("Case"),
      obj({
        policy: obj({ id: str, name: str, quarantine_threshold: num, auto_clear_threshold: { ...num, description: "Scores at or below it are cleared whatever the verdict (0: off)." }, blur_images: { type: "boolean", description: "The policy blurs images in the console until revealed." } }),
        detection: nullable(ref("Detection")),
        scans: arrayOf(obj({ detection_id: str, scan: int, verdict: ref("Verdict"), score: num, policy: nullable(anyObject), engine_version: str, model_version: strOrNull, created_at: dateTime })),
        decisions: arrayOf(obj({ id: str, outcome: { type: "string", enum: [...DECISION_OUTCOMES] }, note: str, reviewer: str, created_at: dateTime })),
        notes: { ...arrayOf(ref("CaseNote")), description: "Notes on the case, oldest first (POST /api/v1/cases/{id}/notes)." },
      }),
    ],
  },
  CaseNote: obj({
    id: { type: "string", pattern: "^note_" },
    body: str,
    author: { ...strOrNull, description: "The author's email (an API key's owner); null for the operator's command line." },
    via_api_key: { ...bool, description: "Written with an API key." },
    created_at: dateTime,
  }),
  DeletedCase: obj({ id: str, deleted: { type: "boolean", const: true }, deleted_at: dateTime, image_deleted: bool }),
  CaseReport: obj({
    report_version: int,
    generated_at: dateTime,
    case: anyObject,
    verdict_sentence: str,
    image: anyObject,
    detection: nullable(anyObject),
    signals: arrayOf(anyObject),
    provenance: arrayOf(anyObject),
    scans: arrayOf(anyObject),
    decisions: arrayOf(anyObject),
    notes: arrayOf(ref("CaseNote")),
    history: arrayOf(obj({ at: dateTime, action: str, actor_type: str, data: {} })),
  }),
  DetectResult: obj(
    {
      verdict: ref("Verdict"),
      score: { type: "number", minimum: 0, maximum: 100, description: "0..100: fused probability that the image is AI-generated." },
      confidence: { type: "number", minimum: 0, maximum: 1, description: "0..1: how sure the engine is of the verdict." },
      uncertainty: { type: "number", minimum: 0, maximum: 1, description: "0..1: spread of the evidence." },
      is_ai: { ...bool, description: "verdict is ai_generated, or score reached the policy's quarantine threshold." },
      reasons: { ...arrayOf(str), description: "Most decisive first." },
      attribution: ref("Attribution"),
      signals: { ...mapOf(ref("DetectSignal")), description: "By signal id." },
      heatmaps: {
        ...mapOf(obj({ label: str, data_url: str, url: str }, ["data_url", "url"])),
        description: "With include_heatmaps=inline (data_url) or urls (url, GET it with the same key).",
      },
      c2pa: nullable(ref("C2pa")),
      hashes: obj({ sha256: str, dhash: str }),
      image: ref("ImageInfo"),
      policy: obj({ id: str, name: str, quarantine_threshold: num, auto_clear_threshold: { ...num, description: "Scores at or below it are cleared whatever the verdict (0: off)." }, inconclusive_action: { type: "string", enum: [...INCONCLUSIVE_ACTIONS] }, outcome: { ...str, description: "What the review queue would do under the policy (image lists first)." }, list_id: listDecided }),
      list_matches: listMatches,
      metadata: { ...nullable(anyObject), description: "Your `metadata`, echoed." },
      case: {
        allOf: [ref("Case"), obj({ deduplicated: bool, scanned_by_request: { ...bool, description: "This result was recorded as the case's scan." } })],
        description: "With create_case=true.",
      },
      engine: obj({ engine: str, model: strOrNull, fusion: str }),
      request_id: str,
      latency_ms: num,
      cached: { ...bool, description: "Answered from the detection cache (same bytes, engine, model, fusion and options)." },
    },
    ["heatmaps", "case"],
  ),
  Forensics: obj({
    image: anyObject,
    maps: mapOf(
      obj(
        {
          score: numOrNull,
          status: signalStatus,
          version: str,
          summary: str,
          flags: arrayOf(ref("Flag")),
          heatmap: nullable(obj({ label: str, data_url: str })),
          error: str,
        },
        ["error"],
      ),
    ),
    request_id: str,
    latency_ms: num,
  }),
  C2paVerify: obj({ image: anyObject, c2pa: ref("C2pa"), request_id: str, latency_ms: num }),
  Job: obj({
    id: { type: "string", pattern: "^job_" },
    object: { type: "string", const: "job" },
    status: { type: "string", enum: [...JOB_STATUSES] },
    case_id: str,
    external_ref: strOrNull,
    metadata: nullable(anyObject),
    attempts: { type: ["integer", "null"] },
    created_at: dateTime,
    updated_at: dateTime,
    result: nullable(obj({ case_state: { type: "string", enum: [...CASE_STATES] }, detection: ref("Detection") })),
    error: nullable(obj({ code: { type: "string", const: "scan_failed" }, message: str })),
    links: obj({ self: str, case: str }),
  }),
  CreatedJob: {
    allOf: [ref("Job"), obj({ webhook: { ...nullable(obj({ url: str, secret: { ...str, description: "whsec_…: shown once; verifies X-Loupe-Signature." } })) } })],
  },
  Usage: obj({
    from: str,
    to: str,
    data: arrayOf(
      obj({
        key: obj({ id: str, name: str, prefix: str, scopes: arrayOf({ type: "string", enum: [...API_KEY_SCOPES] }) }),
        rate_limit_per_minute: int,
        monthly_image_quota: int,
        requests: int,
        images: int,
        by_day: arrayOf(obj({ date: str, requests: int, images: int })),
        month: obj({ start: str, images: int, remaining_images: int }),
      }),
    ),
  }),
  Health: obj(
    {
      status: { type: "string", enum: ["ok", "unavailable"] },
      database: str,
      engine_version: str,
      detector_model: anyObject,
      detection_threads: nullable(anyObject),
    },
    ["detector_model", "detection_threads"],
  ),
  DetectOptions: detectOptions,
  WebhookEvent: obj({
    id: { type: "string", pattern: "^wev_" },
    type: { type: "string", enum: [...WEBHOOK_EVENTS] },
    created_at: dateTime,
    data: anyObject,
  }),
};

// A batch item's error is the envelope's inner object.
schemas.BatchResult = obj({
  data: arrayOf({ oneOf: [obj({ index: int, status: { type: "integer", const: 200 }, result: ref("DetectResult") }), obj({ index: int, status: int, error: ref("ErrorBody") })] }),
  succeeded: int,
  failed: int,
  request_id: str,
});

const header = (description: string, schema: JsonSchema = str) => ({ description, schema });
const headers = {
  "X-Request-Id": header("The request's `req_…` id (also in error bodies)."),
  "X-RateLimit-Limit": header("Requests a minute this key allows.", int),
  "X-RateLimit-Remaining": header("Requests left in the current window.", int),
  "X-RateLimit-Reset": header("Seconds until the window refills.", int),
  "Retry-After": header("Seconds to wait before retrying (429 and 503).", int),
  "Idempotent-Replayed": header("`true` when this answer is the stored answer to an earlier request with the same Idempotency-Key."),
};
const keyHeaders = { "X-Request-Id": { $ref: "#/components/headers/X-Request-Id" }, "X-RateLimit-Limit": { $ref: "#/components/headers/X-RateLimit-Limit" }, "X-RateLimit-Remaining": { $ref: "#/components/headers/X-RateLimit-Remaining" }, "X-RateLimit-Reset": { $ref: "#/components/headers/X-RateLimit-Reset" } };

const errorResponse = (description: string, extraHeaders: Record<string, unknown> = {}) => ({
  description,
  headers: { ...keyHeaders, ...extraHeaders },
  content: { "application/json": { schema: ref("Error") } },
});
const responses = {
  BadRequest: errorResponse("invalid_request, too_many_files."),
  Unauthenticated: errorResponse("unauthenticated: no, unknown, expired or revoked key."),
  Forbidden: errorResponse("forbidden: the key lacks the scope, or its owner's role the permission."),
  NotFound: errorResponse("not_found."),
  Gone: errorResponse("image_removed: the case's policy's retention removed its image and heatmaps; the case and its results remain (GET /api/v1/cases/{id}, `image_removed_at`)."),
  Conflict: errorResponse("idempotency_conflict, conflict or invalid_transition."),
  PayloadTooLarge: errorResponse("payload_too_large or image_too_large."),
  UnsupportedMedia: errorResponse("image_unsupported_format."),
  Unprocessable: errorResponse("image_empty, image_corrupt, image_unfetchable or scan_failed."),
  QuotaExceeded: errorResponse("quota_exceeded: the key's monthly image quota is used up."),
  RateLimited: errorResponse("rate_limited: wait Retry-After seconds.", { "Retry-After": { $ref: "#/components/headers/Retry-After" } }),
  InternalError: errorResponse("internal_error."),
  Unavailable: errorResponse("service_unavailable: the database is unreachable, or the server has no space left to store (nothing was stored). Retry after Retry-After.", { "Retry-After": { $ref: "#/components/headers/Retry-After" } }),
};
const r = (name: keyof typeof responses) => ({ $ref: `#/components/responses/${name}` });

interface Op {
  summary: string;
  description: string;
  scope: ApiKeyScope | null;
  /** A signed-in user's role must also allow it (shown in the description). */
  role?: string;
  parameters?: unknown[];
  requestBody?: unknown;
  ok: { status: number; description: string; content: Record<string, unknown>; headers?: Record<string, unknown> };
  errors: (keyof typeof responses)[];
  idempotent?: boolean;
  operationId: string;
  tags: string[];
}

const idempotencyParam = {
  name: "Idempotency-Key",
  in: "header",
  required: false,
  description: `1–${IDEMPOTENCY_KEY_MAX_LENGTH} printable characters. The first answer (not a 5xx) is stored for 24 h and replayed, with Idempotent-Replayed: true, for the same key and request; a different request with the key is 409 idempotency_conflict.`,
  schema: { type: "string", minLength: 1, maxLength: IDEMPOTENCY_KEY_MAX_LENGTH },
};
const pathId = (name: string, description: string) => ({ name, in: "path", required: true, description, schema: str });
const query = (name: string, description: string, schema: JsonSchema = str) => ({ name, in: "query", required: false, description, schema });

function operation(o: Op) {
  const scopeLine = o.scope ? `**Scope:** \`${o.scope}\`${o.role ? ` (signed-in users: ${o.role})` : ""}.` : "**Public:** no credentials needed.";
  const responseHeaders = o.scope ? { ...keyHeaders, ...(o.idempotent ? { "Idempotent-Replayed": { $ref: "#/components/headers/Idempotent-Replayed" } } : {}), ...(o.ok.headers ?? {}) } : { "X-Request-Id": { $ref: "#/components/headers/X-Request-Id" }, ...(o.ok.headers ?? {}) };
  const errs: Record<string, unknown> = {};
  const STATUS: Record<keyof typeof responses, string> = {
    BadRequest: "400",
    Unauthenticated: "401",
    Forbidden: "403",
    NotFound: "404",
    Gone: "410",
    Conflict: "409",
    PayloadTooLarge: "413",
    UnsupportedMedia: "415",
    Unprocessable: "422",
    QuotaExceeded: "402",
    RateLimited: "429",
    InternalError: "500",
    Unavailable: "503",
  };
  const all: (keyof typeof responses)[] = o.scope ? ["Unauthenticated", "Forbidden", "RateLimited", ...o.errors, "InternalError", "Unavailable"] : o.errors;
  for (const e of all) errs[STATUS[e]] = r(e);
  return {
    operationId: o.operationId,
    summary: o.summary,
    description: `${o.description}\n\n${scopeLine}`,
    tags: o.tags,
    ...(o.scope ? { security: [{ bearer: [] }, { apiKey: [] }], "x-loupe-scope": o.scope } : { security: [], "x-loupe-scope": null }),
    parameters: [...(o.parameters ?? []), ...(o.idempotent ? [idempotencyParam] : [])],
    ...(o.requestBody ? { requestBody: o.requestBody } : {}),
    responses: { [String(o.ok.status)]: { description: o.ok.description, headers: responseHeaders, content: o.ok.content }, ...errs },
  };
}

const autoAddOutcomeSchema = { type: ["string", "null"], enum: [...AUTO_ADD_OUTCOMES, null], description: "Cases decided with this outcome join the list by themselves; null: never." };
const json = (name: string) => ({ "application/json": { schema: ref(name) } });
const png = { "image/png": { schema: { type: "string", contentEncoding: "binary" } } };
const binaryImage = { type: "string", contentEncoding: "binary", description: `The image bytes (≤ ${MAX_UPLOAD_BYTES / 1024 / 1024} MB): JPEG, PNG, WebP, GIF, TIFF, BMP, AVIF or HEIC, recognised by content.` };

/** One image in any of the three shapes, plus the detection options (as form fields, query or JSON). */
const imageBody = (withOptions: boolean) => ({
  required: true,
  content: {
    "multipart/form-data": {
      schema: withOptions
        ? { allOf: [obj({ image: binaryImage, file: { ...binaryImage, description: "Alternative name of the image part." } }, ["file", "image"]), ref("DetectOptions")] }
        : obj({ image: binaryImage, file: binaryImage }, ["image", "file"]),
    },
    "image/*": { schema: binaryImage },
    "application/octet-stream": { schema: binaryImage },
    "application/json": {
      schema: {
        oneOf: [obj({ image_url: { type: "string", format: "uri", description: "Fetched once over http(s) from a public address only." } }), obj({ image_base64: { type: "string", description: "Base64 or a data: URL." } })],
        ...(withOptions ? {} : { unevaluatedProperties: false }),
      },
    },
  },
});

const detectOptionParams = ["signals", "include_heatmaps", "policy", "metadata", "retention", "create_case", "external_ref", "filename"].map((n) =>
  query(n, "A detection option (see DetectOptions); also as a form field or JSON field.", (detectOptions.properties as Record<string, JsonSchema>)[n] ?? {}),
);

const paths: Record<string, Record<string, unknown>> = {
  "/api/v1/detect": {
    post: operation({
      operationId: "detect",
      tags: ["Detection"],
      summary: "Detect one image (synchronous)",
      description: "The full detection result for one image: multipart `image` (or `file`), raw bytes, or JSON `image_url` / `image_base64`. Options as form fields, query parameters or JSON fields. Answers from the detection cache when the same bytes were seen with the same options.",
      scope: "detect",
      role: "editor",
      parameters: detectOptionParams,
      requestBody: imageBody(true),
      ok: { status: 200, description: "The result.", content: json("DetectResult") },
      errors: ["BadRequest", "QuotaExceeded", "Conflict", "PayloadTooLarge", "UnsupportedMedia", "Unprocessable"],
      idempotent: true,
    }),
  },
  "/api/v1/detect/batch": {
    post: operation({
      operationId: "detectBatch",
      tags: ["Detection"],
      summary: "Detect up to 100 images",
      description: `Up to ${MAX_FILES_PER_BATCH} images: repeated multipart \`image\`/\`file\` parts, or JSON \`{"items": [{"image_url"|"image_base64", "metadata"?}]}\`; options apply to all. 207 with one entry per item, in input order: its result, or its error.`,
      scope: "detect",
      role: "editor",
      parameters: detectOptionParams.filter((p) => p.name !== "metadata"),
      requestBody: {
        required: true,
        content: {
          "multipart/form-data": { schema: { allOf: [obj({ image: arrayOf(binaryImage), file: arrayOf(binaryImage) }, ["image", "file"]), ref("DetectOptions")] } },
          "application/json": {
            schema: {
              allOf: [
                obj({ items: { ...arrayOf({ oneOf: [obj({ image_url: str, metadata: anyObject }, ["metadata"]), obj({ image_base64: str, metadata: anyObject }, ["metadata"])] }), maxItems: MAX_FILES_PER_BATCH } }),
                ref("DetectOptions"),
              ],
            },
          },
        },
      },
      ok: { status: 207, description: "One entry per item.", content: json("BatchResult") },
      errors: ["BadRequest", "QuotaExceeded", "Conflict", "PayloadTooLarge", "UnsupportedMedia"],
      idempotent: true,
    }),
  },
  "/api/v1/detect/async": {
    post: operation({
      operationId: "detectAsync",
      tags: ["Jobs"],
      summary: "Submit an image for asynchronous detection",
      description: `202 with the job; poll GET /api/v1/jobs/{id} or receive \`job.completed\` / \`job.failed\` at \`webhook_url\` (the answer carries its signing secret, once). \`metadata\`: a JSON object of at most ${MAX_JOB_METADATA_BYTES} bytes, as a string.`,
      scope: "detect",
      role: "editor",
      parameters: ["webhook_url", "metadata", "external_ref", "policy", "filename"].map((n) => query(n, "With a raw body: the field as a query parameter.")),
      requestBody: {
        required: true,
        content: {
          "multipart/form-data": { schema: obj({ image: binaryImage, file: binaryImage, webhook_url: { type: "string", format: "uri" }, metadata: { ...str, description: "A JSON object, as a string." }, external_ref: str, policy: str, filename: str }, ["image", "file", "webhook_url", "metadata", "external_ref", "policy", "filename"]) },
          "image/*": { schema: binaryImage },
          "application/octet-stream": { schema: binaryImage },
        },
      },
      ok: { status: 202, description: "The job, queued.", content: json("CreatedJob"), headers: { Location: header("/api/v1/jobs/{id}") } },
      errors: ["BadRequest", "QuotaExceeded", "Conflict", "PayloadTooLarge", "UnsupportedMedia", "Unprocessable"],
      idempotent: true,
    }),
  },
  "/api/v1/jobs/{id}": {
    get: operation({
      operationId: "getJob",
      tags: ["Jobs"],
      summary: "Get a job",
      description: "queued, running, completed (with `result`) or failed (with `error`). 404 once its case was deleted.",
      scope: "detect",
      role: "editor",
      parameters: [pathId("id", "job_…")],
      ok: { status: 200, description: "The job.", content: json("Job") },
      errors: ["BadRequest", "NotFound"],
    }),
  },
  "/api/v1/forensics": {
    post: operation({
      operationId: "forensics",
      tags: ["Detection"],
      summary: "Pixel-forensics maps",
      description: "The forensic maps alone (ELA, noise, ml) with their summaries, as inline PNGs. Takes no options. Nothing is stored.",
      scope: "detect",
      role: "editor",
      requestBody: imageBody(false),
      ok: { status: 200, description: "The maps.", content: json("Forensics") },
      errors: ["BadRequest", "QuotaExceeded", "Conflict", "PayloadTooLarge", "UnsupportedMedia", "Unprocessable"],
      idempotent: true,
    }),
  },
  "/api/v1/c2pa/verify": {
    post: operation({
      operationId: "verifyC2pa",
      tags: ["Detection"],
      summary: "Verify Content Credentials (C2PA)",
      description: "The C2PA result alone, validated offline (remote manifests are never fetched). Takes no options. Nothing is stored.",
      scope: "detect",
      role: "editor",
      requestBody: imageBody(false),
      ok: { status: 200, description: "The C2PA result.", content: json("C2paVerify") },
      errors: ["BadRequest", "QuotaExceeded", "Conflict", "PayloadTooLarge", "UnsupportedMedia", "Unprocessable"],
      idempotent: true,
    }),
  },
  "/api/v1/detections/{id}/heatmaps/{signal}": {
    get: operation({
      operationId: "getDetectionHeatmap",
      tags: ["Detection"],
      summary: "A cached detection's heatmap",
      description: "The PNG that POST /detect with include_heatmaps=urls links to.",
      scope: "detect",
      role: "editor",
      parameters: [pathId("id", "The cached detection's id, from the heatmap URL."), pathId("signal", "A signal id (ela, noise, ml, …).")],
      ok: { status: 200, description: "The heatmap.", content: png },
      errors: ["BadRequest", "NotFound"],
    }),
  },
  "/api/v1/cases": {
    get: operation({
      operationId: "listCases",
      tags: ["Cases"],
      summary: "List cases",
      description: "Newest first, paged by an opaque cursor.",
      scope: "cases:read",
      role: "editor",
      parameters: [
        query("state", "Comma-separated states.", { type: "string", examples: ["quarantined,manual_review"] }),
        query("external_ref", "Only the cases with this reference."),
        query("limit", "1–200, default 50.", { type: "integer", minimum: 1, maximum: 200, default: 50 }),
        query("cursor", "`next_cursor` of the previous page."),
      ],
      ok: { status: 200, description: "A page of cases.", content: json("CaseList") },
      errors: ["BadRequest"],
    }),
    post: operation({
      operationId: "createCase",
      tags: ["Cases"],
      summary: "Submit an image to the review queue",
      description: "multipart/form-data with a `file` part (plus optional `policy`, `external_ref`), or the raw bytes as the body with those as query parameters. 202: the worker scans it; the same bytes again return the existing case (`deduplicated: true`).",
      scope: "cases:write",
      role: "editor",
      parameters: [query("policy", "With a raw body: the policy name."), query("external_ref", "With a raw body: your reference."), query("filename", "With a raw body: a file name.")],
      requestBody: {
        required: true,
        content: {
          "multipart/form-data": { schema: obj({ file: binaryImage, policy: str, external_ref: str, filename: str }, ["policy", "external_ref", "filename"]) },
          "image/*": { schema: binaryImage },
          "application/octet-stream": { schema: binaryImage },
        },
      },
      ok: { status: 202, description: "The case, pending its scan.", content: json("CreatedCase") },
      errors: ["BadRequest", "QuotaExceeded", "Conflict", "PayloadTooLarge", "UnsupportedMedia", "Unprocessable"],
      idempotent: true,
    }),
  },
  "/api/v1/cases/export": {
    get: operation({
      operationId: "exportCases",
      tags: ["Cases"],
      summary: "Export cases as CSV or JSON Lines",
      description: `Every case a queue view matches, newest first, streamed: the queue page's own filters (the Export link on /queue sends them), without paging. Columns, in order (JSON Lines: the keys): ${EXPORT_COLUMNS.map((c) => `\`${c}\``).join(", ")}. CSV is RFC 4180 with a header row; a text cell that a spreadsheet would run as a formula (it starts with =, +, -, @, a tab or a carriage return) gets a leading apostrophe. Audited as \`cases.exported\`.`,
      scope: "cases:read",
      role: "moderator or admin",
      parameters: [
        query("format", "`csv` (default) or `jsonl`.", { type: "string", enum: [...EXPORT_FORMATS], default: "csv" }),
        query("state", "Comma-separated states.", { type: "string", examples: ["quarantined,manual_review"] }),
        query("verdict", "Comma-separated verdicts.", { type: "string", examples: ["ai_generated,inconclusive"] }),
        query("decision", "`none`, `any`, or the outcome of the latest decision in force.", { type: "string", enum: [...QUEUE_DECISION_FILTERS] }),
        query("score_min", "0–100.", { type: "number", minimum: 0, maximum: 100 }),
        query("score_max", "0–100.", { type: "number", minimum: 0, maximum: 100 }),
        query("source", "`upload` or `api`.", { type: "string", enum: ["upload", "api"] }),
        query("submitter", "A submitter's email or user id."),
        query("policy", "A policy's name."),
        query("from", "Created on or after this day (UTC), YYYY-MM-DD.", { type: "string", format: "date" }),
        query("to", "Created on or before this day (UTC), YYYY-MM-DD.", { type: "string", format: "date" }),
        query("q", "The start of a file name or external_ref (any case), a sha256 prefix of 4+ hex digits, or a case id."),
      ],
      ok: {
        status: 200,
        description: "The file, as an attachment (Content-Disposition names it loupe-cases-<date>-<time>).",
        content: { "text/csv": { schema: { type: "string" } }, "application/x-ndjson": { schema: { type: "string" } } },
      },
      errors: ["BadRequest"],
    }),
  },
  "/api/v1/cases/{id}": {
    get: operation({
      operationId: "getCase",
      tags: ["Cases"],
      summary: "Get a case",
      description: "The case with its latest detection, its scans and its decisions.",
      scope: "cases:read",
      role: "editor",
      parameters: [pathId("id", "case_…")],
      ok: { status: 200, description: "The case.", content: json("CaseDetail") },
      errors: ["BadRequest", "NotFound"],
    }),
    delete: operation({
      operationId: "deleteCase",
      tags: ["Cases"],
      summary: "Delete a case",
      description: "Deletes the image bytes, heatmaps and derivatives (admins, or the API key that submitted the case). The case answers 404 from then on; an audit row keeps its hashes.",
      scope: "cases:write",
      role: "editor (own cases), admin",
      parameters: [pathId("id", "case_…")],
      ok: { status: 200, description: "Deleted.", content: json("DeletedCase") },
      errors: ["BadRequest", "NotFound"],
    }),
  },
  "/api/v1/cases/{id}/image": {
    get: operation({
      operationId: "getCaseImage",
      tags: ["Cases"],
      summary: "A case's image",
      description: "The original bytes; `?variant=display` gives what the case page shows (upright, browser-readable), `?variant=thumbnail` a small upright WebP (at most 160 px a side) for lists. Another variant is 400 invalid_request.",
      scope: "cases:read",
      role: "editor",
      parameters: [pathId("id", "case_…"), query("variant", "`display` for the upright, browser-readable rendition; `thumbnail` for a WebP at most 160 px a side.", { type: "string", enum: ["display", "thumbnail"] })],
      ok: { status: 200, description: "The image.", content: { "image/*": { schema: { type: "string", contentEncoding: "binary" } } } },
      errors: ["BadRequest", "NotFound", "Gone"],
    }),
  },
  "/api/v1/cases/{id}/heatmaps/{signal}": {
    get: operation({
      operationId: "getCaseHeatmap",
      tags: ["Cases"],
      summary: "A case's heatmap",
      description: "A signal's heatmap PNG: of `?detection=det_…` (immutable), or of the case's latest detection.",
      scope: "cases:read",
      role: "editor",
      parameters: [pathId("id", "case_…"), pathId("signal", "A signal id (ela, noise, ml, …)."), query("detection", "det_…: a specific scan's map.")],
      ok: { status: 200, description: "The heatmap.", content: png },
      errors: ["BadRequest", "NotFound", "Gone"],
    }),
  },
  "/api/v1/cases/{id}/decision": {
    post: operation({
      operationId: "decideCase",
      tags: ["Cases"],
      summary: "Record a review decision",
      description: `For a case in ${DECIDABLE_STATES.join(", ")} (409 invalid_transition otherwise, e.g. a case already reviewed); the case becomes reviewed. Answers the updated case.`,
      scope: "cases:write",
      role: "moderator or admin",
      parameters: [pathId("id", "case_…")],
      requestBody: {
        required: true,
        content: { "application/json": { schema: obj({ outcome: { type: "string", enum: [...DECISION_OUTCOMES] }, note: { type: "string", maxLength: 2000 } }, ["note"]) } },
      },
      ok: { status: 200, description: "The case after the decision.", content: json("CaseDetail") },
      errors: ["BadRequest", "NotFound", "Conflict", "PayloadTooLarge"],
      idempotent: true,
    }),
  },
  "/api/v1/cases/{id}/notes": {
    post: operation({
      operationId: "addCaseNote",
      tags: ["Cases"],
      summary: "Write a note on a case",
      description: `What the next person should know, at most ${MAX_CASE_NOTE_LENGTH} characters (trimmed; line breaks kept). Notes are never edited or deleted; they show on the case page, in GET /api/v1/cases/{id} and in the evidence report, and are audited (case.note_added).`,
      scope: "cases:write",
      role: "editor",
      parameters: [pathId("id", "case_…")],
      requestBody: { required: true, content: { "application/json": { schema: obj({ body: { type: "string", minLength: 1, maxLength: MAX_CASE_NOTE_LENGTH } }) } } },
      ok: { status: 201, description: "The note.", content: json("CaseNote") },
      errors: ["BadRequest", "NotFound", "PayloadTooLarge"],
      idempotent: true,
    }),
  },
  "/api/v1/cases/{id}/report": {
    get: operation({
      operationId: "getCaseReport",
      tags: ["Cases"],
      summary: "A case's evidence report",
      description: "Image, maps, signals, provenance, hashes, decisions and history, as JSON.",
      scope: "cases:read",
      role: "editor",
      parameters: [pathId("id", "case_…")],
      ok: { status: 200, description: "The report.", content: json("CaseReport") },
      errors: ["BadRequest", "NotFound"],
    }),
  },
  "/api/v1/events": {
    get: operation({
      operationId: "streamEvents",
      tags: ["Cases"],
      summary: "Case events (server-sent events)",
      description: "A text/event-stream: `event: ready` first, then `event: case` with `{id, case_id, state, verdict, score, updated_at}` as state changes commit, filtered to the cases the caller may see; comments as heartbeats; `event: reset` when too many were missed. Reconnect with Last-Event-ID (an EventSource does it by itself).",
      scope: "cases:read",
      role: "editor",
      parameters: [
        { name: "Last-Event-ID", in: "header", required: false, description: "The id of the last event received.", schema: { type: "integer", minimum: 0 } },
        query("last_event_id", "The same as Last-Event-ID, for the first connection.", { type: "integer", minimum: 0 }),
      ],
      ok: { status: 200, description: "The stream (never ends).", content: { "text/event-stream": { schema: str } } },
      errors: ["BadRequest"],
    }),
  },
  "/api/v1/lists": {
    get: operation({
      operationId: "listImageLists",
      tags: ["Lists"],
      summary: "List the image lists",
      description: "Every image list, by name, with its entry count. A scan (and POST /detect) looks its image up on every list: the same sha256, or a difference hash within 6 of 64 bits; a quarantine list's match quarantines the case whatever the score, a clear list's clears it (quarantine first).",
      scope: "lists",
      role: "admin",
      ok: { status: 200, description: "The lists.", content: { "application/json": { schema: obj({ data: arrayOf(ref("ImageList")) }) } } },
      errors: ["BadRequest"],
    }),
    post: operation({
      operationId: "createImageList",
      tags: ["Lists"],
      summary: "Make an image list",
      description: "A name (unique, ≤ 100 characters), what a match does, an optional description (≤ 500), and optionally the decision outcome whose cases join it by themselves (`auto_add_outcome`), with the cases already decided so (`backfill: true`).",
      scope: "lists",
      role: "admin",
      requestBody: {
        required: true,
        content: {
          "application/json": {
            schema: obj(
              { name: { type: "string", minLength: 1, maxLength: 100 }, action: { type: "string", enum: [...LIST_ACTIONS] }, description: { type: "string", maxLength: 500 }, auto_add_outcome: autoAddOutcomeSchema, backfill: { type: "boolean", description: "With auto_add_outcome: also add now the image of every case whose decision in force has that outcome (one entry per image; each goes again if its decision is undone or amended). The list's entries count shows the result." } },
              ["description", "auto_add_outcome", "backfill"],
            ),
          },
        },
      },
      ok: { status: 201, description: "The new list.", content: json("ImageList") },
      errors: ["BadRequest", "Conflict", "PayloadTooLarge"],
      idempotent: true,
    }),
  },
  "/api/v1/lists/{id}": {
    get: operation({
      operationId: "getImageList",
      tags: ["Lists"],
      summary: "Get an image list",
      description: "The list with its entry count.",
      scope: "lists",
      role: "admin",
      parameters: [pathId("id", "lst_…")],
      ok: { status: 200, description: "The list.", content: json("ImageList") },
      errors: ["BadRequest", "NotFound"],
    }),
    patch: operation({
      operationId: "updateImageList",
      tags: ["Lists"],
      summary: "Change an image list",
      description: "Its description, or which decisions add images to it by themselves (`auto_add_outcome`; null turns that off, and the entries earlier decisions added stay). Decisions already in force are replayed only with `backfill: true` (400 for a list without an auto_add_outcome).",
      scope: "lists",
      role: "admin",
      parameters: [pathId("id", "lst_…")],
      requestBody: {
        required: true,
        content: { "application/json": { schema: { ...obj({ description: { type: "string", maxLength: 500 }, auto_add_outcome: autoAddOutcomeSchema, backfill: { type: "boolean", description: "With auto_add_outcome: also add now the image of every case whose decision in force has that outcome (one entry per image; each goes again if its decision is undone or amended). The list's entries count shows the result." } }, ["description", "auto_add_outcome", "backfill"]), minProperties: 1 } } },
      },
      ok: { status: 200, description: "The list as it is now.", content: json("ImageList") },
      errors: ["BadRequest", "NotFound", "PayloadTooLarge"],
    }),
    delete: operation({
      operationId: "deleteImageList",
      tags: ["Lists"],
      summary: "Delete an image list",
      description: "The list and its entries. Later scans no longer match it; earlier cases keep their outcome and the match their detection recorded.",
      scope: "lists",
      role: "admin",
      parameters: [pathId("id", "lst_…")],
      ok: { status: 200, description: "Deleted.", content: { "application/json": { schema: obj({ id: str, deleted: { type: "boolean", const: true }, entries: int }) } } },
      errors: ["BadRequest", "NotFound"],
    }),
  },
  "/api/v1/lists/{id}/export": {
    get: operation({
      operationId: "exportImageList",
      tags: ["Lists"],
      summary: "Download an image list",
      description: `\`format=sha256\` (default): \`#\` comment lines (the list, its action, when), then one line per entry as sha256sum writes them (\`<hash>  <file name>\`), which POST /lists/{id}/entries (one hash per array item), the Lists page and \`loupe lists import\` read back; such entries match the same files only. \`format=csv\`: a header row and ${LIST_EXPORT_COLUMNS.map((c) => `\`${c}\``).join(", ")}, with the difference hashes. Newest first, streamed. Audited as \`list.exported\`.`,
      scope: "lists",
      role: "admin",
      parameters: [pathId("id", "lst_…"), query("format", "`sha256` (default) or `csv`.", { type: "string", enum: [...LIST_EXPORT_FORMATS], default: "sha256" })],
      ok: { status: 200, description: "The file, as an attachment.", content: { "text/plain": { schema: { type: "string" } }, "text/csv": { schema: { type: "string" } } } },
      errors: ["BadRequest", "NotFound"],
    }),
  },
  "/api/v1/lists/{id}/entries": {
    get: operation({
      operationId: "listImageListEntries",
      tags: ["Lists"],
      summary: "List an image list's entries",
      description: "Newest first, paged by a cursor.",
      scope: "lists",
      role: "admin",
      parameters: [pathId("id", "lst_…"), query("limit", "1–1000, default 100.", { type: "integer", minimum: 1, maximum: 1000, default: 100 }), query("cursor", "`next_cursor` of the previous page.")],
      ok: { status: 200, description: "A page of entries.", content: json("ImageListEntries") },
      errors: ["BadRequest", "NotFound"],
    }),
    post: operation({
      operationId: "addImageListEntries",
      tags: ["Lists"],
      summary: "Add images to an image list",
      description: `JSON \`sha256\`: up to ${MAX_HASHES_PER_IMPORT} hashes (such entries match the same file only). Or multipart/form-data with up to ${MAX_FILES_PER_BATCH} \`image\` parts: each is decoded as an upload is and kept as its sha256 and difference hash (never the image), so re-encoded and resized copies match too; unreadable parts are listed in \`refused\`. A hash already on the list is counted in \`already_listed\`. 201 when something was added, else 200.`,
      scope: "lists",
      role: "admin",
      parameters: [pathId("id", "lst_…")],
      requestBody: {
        required: true,
        content: {
          "application/json": { schema: obj({ sha256: { type: "array", minItems: 1, maxItems: MAX_HASHES_PER_IMPORT, items: { type: "string", pattern: "^[0-9a-fA-F]{64}$" } }, note: { type: "string", maxLength: 500 } }, ["note"]) },
          "multipart/form-data": { schema: obj({ image: binaryImage, note: { type: "string", maxLength: 500 } }, ["note"]) },
        },
      },
      ok: { status: 201, description: "What was added.", content: json("AddedListEntries") },
      errors: ["BadRequest", "NotFound", "Conflict", "PayloadTooLarge", "UnsupportedMedia"],
      idempotent: true,
    }),
  },
  "/api/v1/lists/{id}/entries/{entryId}": {
    delete: operation({
      operationId: "deleteImageListEntry",
      tags: ["Lists"],
      summary: "Remove an entry from an image list",
      description: "Later scans of that image no longer match this list.",
      scope: "lists",
      role: "admin",
      parameters: [pathId("id", "lst_…"), pathId("entryId", "lse_…")],
      ok: { status: 200, description: "Removed.", content: { "application/json": { schema: obj({ id: str, deleted: { type: "boolean", const: true } }) } } },
      errors: ["BadRequest", "NotFound"],
    }),
  },
  "/api/v1/usage": {
    get: operation({
      operationId: "usage",
      tags: ["Account"],
      summary: "Usage of your API keys",
      description: "Requests and images of the caller's live API keys, per key and UTC day, with the monthly quota left. `from` (inclusive) and `to` (exclusive) default to this month.",
      scope: "usage",
      role: "editor",
      parameters: [query("from", "YYYY-MM-DD", { type: "string", format: "date" }), query("to", "YYYY-MM-DD", { type: "string", format: "date" })],
      ok: { status: 200, description: "Usage per key.", content: json("Usage") },
      errors: ["BadRequest"],
    }),
  },
  "/api/v1/health": {
    get: operation({
      operationId: "health",
      tags: ["Account"],
      summary: "Health",
      description: "200 with the database kind, engine version and detector model; 503 with Retry-After when the database is unreachable.",
      scope: null,
      ok: { status: 200, description: "Healthy.", content: json("Health") },
      errors: [],
    }),
  },
  "/api/v1/openapi.json": {
    get: operation({
      operationId: "openapi",
      tags: ["Account"],
      summary: "This document",
      description: "The OpenAPI 3.1 description of the API.",
      scope: null,
      ok: { status: 200, description: "The document.", content: { "application/json": { schema: anyObject } } },
      errors: [],
    }),
  },
};
// Adding only hashes already on the list adds nothing: 200 with the same body.
{
  const addEntries = paths["/api/v1/lists/{id}/entries"]!.post as { responses: Record<string, { description: string }> };
  addEntries.responses["200"] = { ...addEntries.responses["201"]!, description: "Nothing was added: every hash was on the list already." };
}
// Health's 503 has the same body shape with status "unavailable".
(paths["/api/v1/health"]!.get as { responses: Record<string, unknown> }).responses["503"] = {
  description: "The database is unreachable.",
  headers: { "Retry-After": { $ref: "#/components/headers/Retry-After" } },
  content: json("Health"),
};

/** Any other path under /api/v1: a JSON 404 (a path that exists, with a method it does not take: 405). */
const unknownPath = Object.fromEntries(
  ["get", "post", "put", "patch", "delete"].map((m) => [
    m,
    {
      operationId: `unknownPath_${m}`,
      summary: "Any path no endpoint serves",
      description: "Answers 404 not_found in the error envelope. (A known path with a method it does not take answers 405 method_not_allowed with an Allow header.)",
      tags: ["Account"],
      security: [],
      "x-loupe-scope": null,
      parameters: [{ name: "path", in: "path", required: true, schema: str, description: "Any unserved path." }],
      responses: { "404": { description: "not_found.", headers: { "X-Request-Id": { $ref: "#/components/headers/X-Request-Id" } }, content: json("Error") } },
    },
  ]),
);
paths["/api/v1/{path}"] = { ...unknownPath, "x-loupe-catch-all": true };

export const OPENAPI_DOCUMENT = {
  openapi: "3.1.0",
  info: {
    title: "Loupe Integration API",
    version: "1",
    summary: "AI-generated image detection and a moderation review queue.",
    description:
      "Authenticate with `Authorization: Bearer lp_live_…` (or `lp_test_…`: test keys are not charged against the quota) or `x-api-key`. Each operation names the scope its key needs (`x-loupe-scope`). Every key answer carries X-Request-Id and the X-RateLimit-* headers; 429 and 503 carry Retry-After. POSTs accept an Idempotency-Key. Errors use one envelope, `{\"error\": {\"code\", \"message\", \"param\"?, \"request_id\"}}`. A known path with a method it does not take answers 405 method_not_allowed. Human documentation: /docs/api.",
  },
  servers: [{ url: "/", description: "This Loupe server" }],
  tags: [
    { name: "Detection", description: "Synchronous detection; nothing enters the review queue unless create_case is set." },
    { name: "Jobs", description: "Asynchronous detection with polling or webhooks." },
    { name: "Cases", description: "The review queue." },
    { name: "Lists", description: "Image lists: known images that quarantine or clear their matches (admins)." },
    { name: "Account", description: "Usage, health and this document." },
  ],
  paths,
  webhooks: {
    event: {
      post: {
        summary: "A webhook delivery",
        description: "POSTed to your endpoint with X-Loupe-Event, X-Loupe-Event-Id (deduplicate on it), X-Loupe-Delivery and X-Loupe-Signature: `t=<unix seconds>,v1=<hex HMAC-SHA256 of \"<t>.<raw body>\">`. Answer 2xx within 10 s.",
        requestBody: { required: true, content: json("WebhookEvent") },
        responses: { "200": { description: "Any 2xx acknowledges the delivery." } },
      },
    },
  },
  components: {
    schemas,
    responses,
    headers,
    securitySchemes: {
      bearer: { type: "http", scheme: "bearer", bearerFormat: "lp_live_… | lp_test_…", description: "An API key (or a signed-in browser session)." },
      apiKey: { type: "apiKey", in: "header", name: "x-api-key", description: "The same key in the x-api-key header." },
    },
  },
} as const;

export type OpenApiDocument = typeof OPENAPI_DOCUMENT;
