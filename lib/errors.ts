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
  invalid_transition: { status: 409, message: "The case cannot move to that state from its current state." },
  payload_too_large: { status: 413, message: "The upload is too large." },
  image_empty: { status: 422, message: "The file is empty." },
  image_unsupported_format: { status: 415, message: "This file type is not a supported image." },
  image_too_large: { status: 413, message: "The image is too large." },
  image_corrupt: { status: 422, message: "The image is truncated or corrupt." },
  internal_error: { status: 500, message: "Something went wrong on our side." },
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

/** Unknown errors become a generic 500: the details go to the log, never to the caller. */
export function normaliseError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  if (err instanceof ZodError) {
    const issue = err.issues[0];
    const param = issue?.path.map(String).join(".") || undefined;
    return new AppError("invalid_request", issue ? `${param ? `${param}: ` : ""}${issue.message}` : undefined, { param });
  }
  // Redacted: a failed query's parameters can hold key hashes (lib/log.ts).
  console.error(`[loupe] unexpected error: ${describeError(err)}`);
  return new AppError("internal_error");
}
