import { ZodError } from "zod";
import { describeError } from "./log";

// One error class, one code table, one envelope (CONTRIBUTING.md, "Errors").
export const ERROR_CODES = {
  unauthenticated: { status: 401, message: "Sign in or send a valid API key." },
  forbidden: { status: 403, message: "Your role does not allow this." },
  not_found: { status: 404, message: "Not found." },
  method_not_allowed: { status: 405, message: "This path does not take that method." },
  invalid_request: { status: 400, message: "The request is invalid." },
  conflict: { status: 409, message: "The resource changed; reload and try again." },
  idempotency_conflict: { status: 409, message: "This Idempotency-Key was used with a different request, or that request is still running." },
  invalid_transition: { status: 409, message: "The case cannot move to that state from its current state." },
  /** The case's image and heatmaps were removed by its policy's retention (lib/cases/retention.ts); the case remains. */
  image_removed: { status: 410, message: "The image was removed by its policy's retention; the case and its results remain." },
  payload_too_large: { status: 413, message: "The upload is too large." },
  image_empty: { status: 422, message: "The file is empty." },
  image_unsupported_format: { status: 415, message: "This file type is not a supported image." },
  image_too_large: { status: 413, message: "The image is too large." },
  image_corrupt: { status: 422, message: "The image is truncated or corrupt." },
  rate_limited: { status: 429, message: "Too many requests for this API key; retry after the time in Retry-After." },
  quota_exceeded: { status: 402, message: "This API key has used its monthly image quota." },
  scan_failed: { status: 422, message: "The image could not be scanned." },
  /** A URL input that was refused (scheme, address) or could not be fetched. Nothing is fetched from a refused address. */
  image_unfetchable: { status: 422, message: "The image URL could not be fetched." },
  /** A batch with more images than MAX_FILES_PER_BATCH (lib/limits.ts). */
  too_many_files: { status: 400, message: "Too many images in one request." },
  internal_error: { status: 500, message: "Something went wrong on our side." },
  /** The database unreachable, or no space left to store (a different message): retry after Retry-After. */
  service_unavailable: { status: 503, message: "The database is unreachable; try again shortly." },
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly param?: string;
  readonly status: number;

  constructor(code: ErrorCode, message?: string, opts: { param?: string; cause?: unknown } = {}) {
    super(message ?? ERROR_CODES[code].message, { cause: opts.cause });
    this.name = "AppError";
    this.code = code;
    this.param = opts.param;
    this.status = ERROR_CODES[code].status;
  }
}

export interface ErrorEnvelope {
  error: { code: ErrorCode; message: string; param?: string; request_id: string };
}

export function toEnvelope(err: AppError, requestId: string): ErrorEnvelope {
  return {
    error: {
      code: err.code,
      message: err.message,
      ...(err.param ? { param: err.param } : {}),
      request_id: requestId,
    },
  };
}

/** Seconds a client should wait before retrying a 503. */
export const RETRY_AFTER_SECONDS = 5;

// Errors that mean the database cannot be reached, as opposed to a query it refused: connection
// refused or reset, postgres.js's own connection errors, SQLSTATE class 08 (connection exception) and
// 57P01–57P03 (the server is shutting down or starting up).
const NETWORK_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EHOSTUNREACH", "ENOTFOUND", "EPIPE", "CONNECTION_CLOSED", "CONNECTION_ENDED", "CONNECTION_DESTROYED", "CONNECT_TIMEOUT"]);

export function isDatabaseUnavailable(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = String((e as { code?: unknown }).code ?? "");
    if (NETWORK_CODES.has(code) || /^08/.test(code) || /^57P0[123]$/.test(code)) return true;
    if (e instanceof AggregateError && e.errors.some(isDatabaseUnavailable)) return true;
  }
  return false;
}

// Errors that mean the disk is full: SQLSTATE 53100 (disk_full; PGlite reports a full disk under
// PGLITE_DIR so too), and the file system's ENOSPC / EDQUOT (the blob store's files, PGlite's).
const STORAGE_FULL_CODES = new Set(["53100", "ENOSPC", "EDQUOT"]);

export function isStorageFull(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (STORAGE_FULL_CODES.has(String((e as { code?: unknown }).code ?? ""))) return true;
    if (e instanceof Error && /No space left on device/.test(e.message)) return true;
    if (e instanceof AggregateError && e.errors.some(isStorageFull)) return true;
  }
  return false;
}

/** A full disk answers as a passing outage (the request wrote nothing, and a retry later can succeed), not as our bug. */
export const STORAGE_FULL_MESSAGE = "The server has no space left to store this; nothing was stored. Try again later.";

/** Unknown errors become a generic 500: the details go to the log, never to the caller. */
export function normaliseError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  if (isDatabaseUnavailable(err)) {
    console.error(`[loupe] database unavailable: ${describeError(err)}`);
    return new AppError("service_unavailable");
  }
  if (isStorageFull(err)) {
    console.error(`[loupe] storage full (free space under DATA_DIR, PGLITE_DIR or BLOB_DIR, or the database server's disk): ${describeError(err)}`);
    return new AppError("service_unavailable", STORAGE_FULL_MESSAGE);
  }
  if (err instanceof ZodError) {
    const issue = err.issues[0];
    const param = issue?.path.map(String).join(".") || undefined;
    return new AppError("invalid_request", issue ? `${param ? `${param}: ` : ""}${issue.message}` : undefined, { param });
  }
  // Redacted: a failed query's parameters can hold key hashes (lib/log.ts).
  console.error(`[loupe] unexpected error: ${describeError(err)}`);
  return new AppError("internal_error");
}
