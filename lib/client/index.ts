// A typed client for the Loupe Integration API v1 (docs: /docs/api, /api/v1/openapi.json).
//
// The response types are the server's own DTO functions' return types (lib/api/dto.ts), imported as
// types only: a field the server renames or drops fails the build of code that reads it. The module
// has no runtime dependency beyond `fetch`, so it can be copied into another project with those
// types pasted in.
//
// Retries: 429 and 503 answers (and network failures) are retried up to `maxAttempts`, waiting what
// Retry-After says (capped at `maxRetryDelayMs`), or an exponential backoff without it. Every POST
// carries an Idempotency-Key, generated once per call and sent again on its retries, so a retried
// POST whose first attempt did reach the server is answered from the server's stored response instead
// of running twice (README, "Idempotent POSTs").
import type { AUTO_ADD_OUTCOMES, DECISION_OUTCOMES, CASE_STATES, LIST_ACTIONS, VERDICTS } from "../../db/schema/enums";
import type { ExportFormat, ExportRow } from "../cases/export-format";
import type {
  batchDto,
  batchItemDto,
  c2paVerifyDto,
  caseDetailDto,
  caseNoteDto,
  caseDto,
  caseListDto,
  createdCaseDto,
  createdJobDto,
  deletedCaseDto,
  detectResultDto,
  forensicsDto,
  imageListDto,
  imageListEntryDto,
  jobDto,
  usageDto,
} from "../api/dto";
import type { caseReport } from "../cases/case-report";
import type { healthReport } from "../health";
import type { DetectOptionsInput } from "../detect/options";
import type { ErrorCode } from "../errors";

export type DetectResult = ReturnType<typeof detectResultDto>;
export type BatchItem = ReturnType<typeof batchItemDto>;
export type BatchResult = ReturnType<typeof batchDto>;
export type Forensics = ReturnType<typeof forensicsDto>;
export type C2paVerification = ReturnType<typeof c2paVerifyDto>;
export type Job = ReturnType<typeof jobDto>;
export type CreatedJob = ReturnType<typeof createdJobDto>;
export type Case = ReturnType<typeof caseDto>;
export type CreatedCase = ReturnType<typeof createdCaseDto>;
export type CaseDetail = ReturnType<typeof caseDetailDto>;
export type CaseNote = ReturnType<typeof caseNoteDto>;
export type CaseReport = ReturnType<typeof caseReport>;
export type CaseList = ReturnType<typeof caseListDto>;
export type DeletedCase = ReturnType<typeof deletedCaseDto>;
export type Usage = ReturnType<typeof usageDto>;
export type ImageList = ReturnType<typeof imageListDto>;
export type ImageListEntry = ReturnType<typeof imageListEntryDto>;
export type ListAction = (typeof LIST_ACTIONS)[number];
export type AutoAddOutcome = (typeof AUTO_ADD_OUTCOMES)[number];
/** POST /api/v1/lists/{id}/entries */
export interface AddedListEntries {
  added: number;
  already_listed: number;
  refused: { name: string; code: ErrorCode; message: string }[];
  entries: ImageListEntry[];
}
/** GET /health: `status: "ok"` with the database kind, detector and threads, or `"unavailable"` (503). */
export type Health = Awaited<ReturnType<typeof healthReport>>["body"];
export type DetectOptions = Omit<DetectOptionsInput, "metadata"> & { metadata?: Record<string, unknown> };
export type CaseState = (typeof CASE_STATES)[number];
export type Verdict = (typeof VERDICTS)[number];
/** The filters of GET /api/v1/cases/export: the queue page's own (lists as arrays or comma-separated). */
export type ExportCasesQuery = {
  format?: ExportFormat;
  state?: CaseState | CaseState[];
  verdict?: Verdict | Verdict[];
  decision?: "none" | "any" | DecisionOutcome;
  score_min?: number;
  score_max?: number;
  source?: "upload" | "api";
  submitter?: string;
  policy?: string;
  /** YYYY-MM-DD, UTC, inclusive. */
  from?: string;
  to?: string;
  q?: string;
};
/** One row of a JSON Lines export (a CSV export has the same columns, in EXPORT_COLUMNS order). */
export type ExportedCase = ExportRow;
export type DecisionOutcome = (typeof DECISION_OUTCOMES)[number];

/**
 * An image: bytes (sent raw, or as a multipart part where the endpoint needs one), a Blob/File (a
 * multipart part, keeping its name), or for the detection endpoints a URL the server fetches or base64.
 */
export type ImageInput = Uint8Array | ArrayBuffer | Blob | { url: string } | { base64: string };
type BinaryImage = Uint8Array | ArrayBuffer | Blob;

/** The error envelope of a failed request, thrown by every method. */
export class LoupeApiError extends Error {
  readonly status: number;
  /** The API's error code; `unexpected_response` when the body was not the API's envelope (a proxy's page), `network_error` when no answer came. */
  readonly code: ErrorCode | "unexpected_response" | "network_error";
  readonly param?: string;
  readonly requestId: string | null;
  /** Seconds from Retry-After, when the answer had one. */
  readonly retryAfter: number | null;
  /** How many attempts were made. */
  readonly attempts: number;

  constructor(init: { status: number; code: LoupeApiError["code"]; message: string; param?: string; requestId: string | null; retryAfter: number | null; attempts: number; cause?: unknown }) {
    super(init.message, { cause: init.cause });
    this.name = "LoupeApiError";
    this.status = init.status;
    this.code = init.code;
    this.param = init.param;
    this.requestId = init.requestId;
    this.retryAfter = init.retryAfter;
    this.attempts = init.attempts;
  }
}

export interface LoupeClientOptions {
  /** The server's origin, e.g. https://loupe.example.org */
  baseUrl: string;
  /** lp_live_… or lp_test_… */
  apiKey: string;
  fetch?: typeof globalThis.fetch;
  /** Attempts per call, the first included (default 3; 1 turns retries off). */
  maxAttempts?: number;
  /** The longest wait between attempts, whatever Retry-After says (default 30 000 ms). */
  maxRetryDelayMs?: number;
  /** The first backoff without a Retry-After, doubled each attempt (default 500 ms). */
  baseRetryDelayMs?: number;
  /** How to wait (tests pass one that records the delays). */
  sleep?: (ms: number) => Promise<void>;
  /** Makes Idempotency-Keys (default crypto.randomUUID). */
  idempotencyKey?: () => string;
}

export interface CallOptions {
  /** This call's Idempotency-Key (POSTs); default a fresh one per call. */
  idempotencyKey?: string;
  signal?: AbortSignal;
}

const RETRY_STATUSES = new Set([429, 503]);

/** Retry-After as seconds (delta-seconds or an HTTP date); null when absent or unreadable. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | null {
  if (value === null || value.trim() === "") return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, Math.ceil((at - now) / 1000));
}

function isBinary(image: ImageInput): image is BinaryImage {
  return image instanceof Uint8Array || image instanceof ArrayBuffer || image instanceof Blob;
}

function toBlob(image: BinaryImage): Blob {
  if (image instanceof Blob) return image;
  return new Blob([image instanceof Uint8Array ? new Uint8Array(image) : image], { type: "application/octet-stream" });
}

function fileName(image: BinaryImage, fallback: string): string {
  return typeof File !== "undefined" && image instanceof File && image.name ? image.name : fallback;
}

/** Options as strings, for a query string or form fields (metadata and signal lists as the server reads them). */
function stringFields(fields: Record<string, unknown>): [string, string][] {
  return Object.entries(fields).flatMap(([k, v]): [string, string][] => {
    if (v === undefined || v === null) return [];
    if (Array.isArray(v)) return [[k, v.join(",")]];
    if (typeof v === "object") return [[k, JSON.stringify(v)]];
    return [[k, String(v)]];
  });
}

type Body = { body: BodyInit; contentType?: string; query?: [string, string][] };

/** One image with options: raw bytes with options in the query, multipart for a Blob, JSON for url/base64. */
function imageBody(image: ImageInput, options: Record<string, unknown>): Body {
  if (image instanceof Blob) {
    const form = new FormData();
    form.append("image", image, fileName(image, "image"));
    for (const [k, v] of stringFields(options)) form.append(k, v);
    return { body: form };
  }
  if (isBinary(image)) return { body: image instanceof Uint8Array ? new Uint8Array(image) : image, contentType: "application/octet-stream", query: stringFields(options) };
  const source = "url" in image ? { image_url: image.url } : { image_base64: image.base64 };
  return { body: JSON.stringify({ ...source, ...options }), contentType: "application/json" };
}

export function createLoupeClient(opts: LoupeClientOptions) {
  const doFetch = opts.fetch ?? globalThis.fetch.bind(globalThis);
  const maxAttempts = Math.max(1, opts.maxAttempts ?? 3);
  const maxDelay = opts.maxRetryDelayMs ?? 30_000;
  const baseDelay = opts.baseRetryDelayMs ?? 500;
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const newKey = opts.idempotencyKey ?? (() => globalThis.crypto.randomUUID());
  const base = opts.baseUrl.replace(/\/+$/, "");

  async function request<T>(method: "GET" | "POST" | "PATCH" | "DELETE", path: string, init: { body?: Body; query?: Record<string, unknown>; call?: CallOptions; raw?: boolean } = {}): Promise<T> {
    const url = new URL(base + path);
    for (const [k, v] of [...stringFields(init.query ?? {}), ...(init.body?.query ?? [])]) url.searchParams.set(k, v);
    const headers: Record<string, string> = { authorization: `Bearer ${opts.apiKey}`, accept: "application/json" };
    if (init.body?.contentType) headers["content-type"] = init.body.contentType;
    // One key per call, the same on every retry of it.
    if (method === "POST") headers["idempotency-key"] = init.call?.idempotencyKey ?? newKey();

    for (let attempt = 1; ; attempt++) {
      let res: Response;
      try {
        res = await doFetch(url, { method, headers, body: init.body?.body, signal: init.call?.signal });
      } catch (err) {
        if (init.call?.signal?.aborted || attempt >= maxAttempts) {
          throw new LoupeApiError({ status: 0, code: "network_error", message: `No answer from ${url.origin}: ${(err as Error).message}`, requestId: null, retryAfter: null, attempts: attempt, cause: err });
        }
        await sleep(Math.min(maxDelay, baseDelay * 2 ** (attempt - 1)));
        continue;
      }
      if (res.ok) return (init.raw ? res : await res.json()) as T;
      const retryAfter = parseRetryAfter(res.headers.get("retry-after"));
      if (RETRY_STATUSES.has(res.status) && attempt < maxAttempts) {
        await res.body?.cancel();
        await sleep(Math.min(maxDelay, retryAfter !== null ? retryAfter * 1000 : baseDelay * 2 ** (attempt - 1)));
        continue;
      }
      throw await toError(res, retryAfter, attempt);
    }
  }

  async function toError(res: Response, retryAfter: number | null, attempts: number): Promise<LoupeApiError> {
    const text = await res.text();
    const requestId = res.headers.get("x-request-id");
    try {
      const e = (JSON.parse(text) as { error?: { code?: unknown; message?: unknown; param?: unknown; request_id?: unknown } }).error;
      if (e && typeof e.code === "string" && typeof e.message === "string") {
        return new LoupeApiError({
          status: res.status,
          code: e.code as ErrorCode,
          message: e.message,
          ...(typeof e.param === "string" ? { param: e.param } : {}),
          requestId: typeof e.request_id === "string" ? e.request_id : requestId,
          retryAfter,
          attempts,
        });
      }
    } catch {
      // Not JSON: reported below.
    }
    // /health's 503 has its own body (status "unavailable"), and means what the envelope's 503 means.
    return new LoupeApiError({ status: res.status, code: res.status === 503 ? "service_unavailable" : "unexpected_response", message: `HTTP ${res.status}: ${text.slice(0, 200)}`, requestId, retryAfter, attempts });
  }

  const binaryForm = (image: BinaryImage, part: string, fields: Record<string, unknown>): Body => {
    const form = new FormData();
    form.append(part, toBlob(image), fileName(image, "image"));
    for (const [k, v] of stringFields(fields)) form.append(k, v);
    return { body: form };
  };

  return {
    /** POST /api/v1/detect: the full result for one image. */
    detect: (image: ImageInput, options: DetectOptions = {}, call?: CallOptions) => request<DetectResult>("POST", "/api/v1/detect", { body: imageBody(image, options), call }),

    /** POST /api/v1/detect/batch: up to 100 images, all bytes/Blobs (multipart) or all URLs/base64 (JSON). */
    detectBatch: (images: ImageInput[], options: Omit<DetectOptions, "metadata"> = {}, call?: CallOptions) => {
      let body: Body;
      if (images.every(isBinary)) {
        const form = new FormData();
        images.forEach((img, i) => form.append("image", toBlob(img), fileName(img, `image-${i}`)));
        for (const [k, v] of stringFields(options)) form.append(k, v);
        body = { body: form };
      } else if (images.every((img): img is { url: string } | { base64: string } => !isBinary(img))) {
        const items = images.map((img) => ("url" in img ? { image_url: img.url } : { image_base64: img.base64 }));
        body = { body: JSON.stringify({ items, ...options }), contentType: "application/json" };
      } else {
        throw new TypeError("detectBatch: send all images as bytes/Blobs, or all as URLs/base64.");
      }
      return request<BatchResult>("POST", "/api/v1/detect/batch", { body, call });
    },

    /** POST /api/v1/detect/async: a job; with webhook_url the answer carries its signing secret, once. */
    detectAsync: (image: BinaryImage, fields: { webhook_url?: string; metadata?: Record<string, unknown>; external_ref?: string; policy?: string; filename?: string } = {}, call?: CallOptions) =>
      request<CreatedJob>("POST", "/api/v1/detect/async", { body: binaryForm(image, "image", fields), call }),

    /** GET /api/v1/jobs/{id} */
    getJob: (id: string, call?: CallOptions) => request<Job>("GET", `/api/v1/jobs/${encodeURIComponent(id)}`, { call }),

    /** POST /api/v1/cases: into the review queue (202; the worker scans it). */
    createCase: (image: BinaryImage, fields: { policy?: string; external_ref?: string; filename?: string } = {}, call?: CallOptions) =>
      request<CreatedCase>("POST", "/api/v1/cases", { body: binaryForm(image, "file", fields), call }),

    /** GET /api/v1/cases/{id} */
    getCase: (id: string, call?: CallOptions) => request<CaseDetail>("GET", `/api/v1/cases/${encodeURIComponent(id)}`, { call }),

    /** GET /api/v1/cases: one page; pass `next_cursor` back as `cursor`. */
    listCases: (q: { state?: CaseState | CaseState[]; external_ref?: string; limit?: number; cursor?: string } = {}, call?: CallOptions) =>
      request<CaseList>("GET", "/api/v1/cases", { query: q, call }),

    /**
     * GET /api/v1/cases/export (moderators' and admins' keys): every case of the view, newest first, as
     * the streamed Response (CSV by default, `format: "jsonl"` for JSON Lines). Read it with
     * `res.text()`, or as a stream; `exportedCases` parses JSON Lines for you.
     */
    exportCases: (q: ExportCasesQuery = {}, call?: CallOptions) => request<Response>("GET", "/api/v1/cases/export", { query: q, call, raw: true }),

    /** Every case of the view as parsed JSON Lines rows, read as they stream in. */
    exportedCases: async function* (q: Omit<ExportCasesQuery, "format"> = {}, call?: CallOptions): AsyncGenerator<ExportedCase> {
      const res = await request<Response>("GET", "/api/v1/cases/export", { query: { ...q, format: "jsonl" }, call, raw: true });
      const decoder = new TextDecoder();
      let buffered = "";
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        buffered += decoder.decode(chunk, { stream: true });
        const lines = buffered.split("\n");
        buffered = lines.pop()!;
        for (const line of lines) if (line) yield JSON.parse(line) as ExportedCase;
      }
      buffered += decoder.decode();
      if (buffered.trim()) yield JSON.parse(buffered) as ExportedCase;
    },

    /** DELETE /api/v1/cases/{id} */
    deleteCase: (id: string, call?: CallOptions) => request<DeletedCase>("DELETE", `/api/v1/cases/${encodeURIComponent(id)}`, { call }),

    /** POST /api/v1/cases/{id}/decision (admins). */
    decide: (id: string, decision: { outcome: DecisionOutcome; note?: string }, call?: CallOptions) =>
      request<CaseDetail>("POST", `/api/v1/cases/${encodeURIComponent(id)}/decision`, { body: { body: JSON.stringify(decision), contentType: "application/json" }, call }),

    /** POST /api/v1/cases/{id}/notes: a note on the case (never edited or deleted). */
    addCaseNote: (id: string, body: string, call?: CallOptions) =>
      request<CaseNote>("POST", `/api/v1/cases/${encodeURIComponent(id)}/notes`, { body: { body: JSON.stringify({ body }), contentType: "application/json" }, call }),

    /** GET /api/v1/cases/{id}/report */
    caseReport: (id: string, call?: CallOptions) => request<CaseReport>("GET", `/api/v1/cases/${encodeURIComponent(id)}/report`, { call }),

    /** GET /api/v1/usage: `from` inclusive, `to` exclusive (YYYY-MM-DD); default this month. */
    usage: (q: { from?: string; to?: string } = {}, call?: CallOptions) => request<Usage>("GET", "/api/v1/usage", { query: q, call }),

    /** GET /api/v1/health (a 503 is retried, then thrown as service_unavailable). */
    health: (call?: CallOptions) => request<Health>("GET", "/api/v1/health", { call }),

    /** GET /api/v1/lists: every image list (an admin's key with the `lists` scope). */
    listImageLists: (call?: CallOptions) => request<{ data: ImageList[] }>("GET", "/api/v1/lists", { call }),

    /** POST /api/v1/lists */
    createImageList: (list: { name: string; action: ListAction; description?: string; auto_add_outcome?: AutoAddOutcome | null; backfill?: boolean }, call?: CallOptions) =>
      request<ImageList>("POST", "/api/v1/lists", { body: { body: JSON.stringify(list), contentType: "application/json" }, call }),

    /** GET /api/v1/lists/{id} */
    getImageList: (id: string, call?: CallOptions) => request<ImageList>("GET", `/api/v1/lists/${encodeURIComponent(id)}`, { call }),

    /** PATCH /api/v1/lists/{id}: its description, or which decisions add images to it by themselves (null: none). */
    updateImageList: (id: string, change: { description?: string; auto_add_outcome?: AutoAddOutcome | null; backfill?: boolean }, call?: CallOptions) =>
      request<ImageList>("PATCH", `/api/v1/lists/${encodeURIComponent(id)}`, { body: { body: JSON.stringify(change), contentType: "application/json" }, call }),

    /** DELETE /api/v1/lists/{id}: the list and its entries. */
    deleteImageList: (id: string, call?: CallOptions) =>
      request<{ id: string; deleted: true; entries: number }>("DELETE", `/api/v1/lists/${encodeURIComponent(id)}`, { call }),

    /** GET /api/v1/lists/{id}/export: the streamed file (sha256 lines by default, or CSV). */
    exportImageList: (id: string, format: "sha256" | "csv" = "sha256", call?: CallOptions) =>
      request<Response>("GET", `/api/v1/lists/${encodeURIComponent(id)}/export`, { query: { format }, call, raw: true }),

    /** GET /api/v1/lists/{id}/entries: one page, newest first; pass `next_cursor` back as `cursor`. */
    listImageListEntries: (id: string, q: { limit?: number; cursor?: string } = {}, call?: CallOptions) =>
      request<{ data: ImageListEntry[]; next_cursor: string | null }>("GET", `/api/v1/lists/${encodeURIComponent(id)}/entries`, { query: q, call }),

    /**
     * POST /api/v1/lists/{id}/entries: images (bytes/Blobs, kept as their hashes, so copies match too)
     * or sha256 hashes (the same file only).
     */
    addImageListEntries: (id: string, add: { images: BinaryImage[]; note?: string } | { sha256: string[]; note?: string }, call?: CallOptions) => {
      let body: Body;
      if ("images" in add) {
        const form = new FormData();
        add.images.forEach((img, i) => form.append("image", toBlob(img), fileName(img, `image-${i}`)));
        if (add.note !== undefined) form.append("note", add.note);
        body = { body: form };
      } else {
        body = { body: JSON.stringify(add), contentType: "application/json" };
      }
      return request<AddedListEntries>("POST", `/api/v1/lists/${encodeURIComponent(id)}/entries`, { body, call });
    },

    /** DELETE /api/v1/lists/{id}/entries/{entryId} */
    deleteImageListEntry: (id: string, entryId: string, call?: CallOptions) =>
      request<{ id: string; deleted: true }>("DELETE", `/api/v1/lists/${encodeURIComponent(id)}/entries/${encodeURIComponent(entryId)}`, { call }),

    /** POST /api/v1/forensics: the forensic maps as inline PNGs. */
    forensics: (image: ImageInput, call?: CallOptions) => request<Forensics>("POST", "/api/v1/forensics", { body: imageBody(image, {}), call }),

    /** POST /api/v1/c2pa/verify: the Content Credentials alone. */
    verifyC2pa: (image: ImageInput, call?: CallOptions) => request<C2paVerification>("POST", "/api/v1/c2pa/verify", { body: imageBody(image, {}), call }),
  };
}

export type LoupeClient = ReturnType<typeof createLoupeClient>;
