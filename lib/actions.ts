// Server actions return values, never throw to the client: expected failures carry a stable code.
import { isRedirectError } from "next/dist/client/components/redirect-error";
import { normaliseError, type ErrorCode } from "./errors";

export type ActionError = { code: ErrorCode; message: string; param?: string };
export type ActionResult<T> = { ok: true; data: T } | { ok: false; error: ActionError };

export async function runAction<T>(fn: () => Promise<T>): Promise<ActionResult<T>> {
  try {
    return { ok: true, data: await fn() };
  } catch (err) {
    if (isRedirectError(err)) throw err;
    const e = normaliseError(err);
    return { ok: false, error: { code: e.code, message: e.message, ...(e.param ? { param: e.param } : {}) } };
  }
}
