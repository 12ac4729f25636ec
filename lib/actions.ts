// The one wrapper behind every server action (STYLE: saas-starter's validatedActionWithUser):
// authenticate, check `can(actor, permission)`, parse the input with the action's zod schema, run the
// verb, and return a value — never throw to the client. Expected failures carry a stable code.
import { isRedirectError } from "next/dist/client/components/redirect-error";
import type { z } from "zod";
import { getDb, type Db } from "../db";
import type { Permission } from "./auth/roles";
import { requireActor, type UserActor } from "./auth/session";
import { normaliseError, type ErrorCode } from "./errors";

export type ActionError = { code: ErrorCode; message: string; param?: string };
export type ActionResult<T> = { ok: true; data: T } | { ok: false; error: ActionError };

export interface ActionCtx {
  db: Db;
  actor: UserActor;
}

/**
 * FormData as a plain object for zod: repeated names become arrays, files stay File objects, and
 * nothing is cast — the schema decides every type (coercions, checkboxes, enums).
 */
export function formDataToObject(form: FormData): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of form.entries()) {
    const prev = out[k];
    out[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  return out;
}

async function settle<T>(fn: () => Promise<T>): Promise<ActionResult<T>> {
  try {
    return { ok: true, data: await fn() };
  } catch (err) {
    if (isRedirectError(err)) throw err;
    const e = normaliseError(err);
    return { ok: false, error: { code: e.code, message: e.message, ...(e.param ? { param: e.param } : {}) } };
  }
}

/** Callable with the input object (`action({ caseId })`), or as a form action (`useActionState`). */
export interface ServerAction<I, T> {
  (input: I): Promise<ActionResult<T>>;
  (prev: ActionResult<T> | undefined, form: FormData): Promise<ActionResult<T>>;
}

export function authedAction<S extends z.ZodType, T>(
  permission: Permission,
  schema: S,
  fn: (input: z.output<S>, ctx: ActionCtx) => Promise<T>,
): ServerAction<z.input<S>, T> {
  return async (inputOrPrev: unknown, form?: FormData) =>
    settle(async () => {
      const actor = await requireActor(permission);
      const raw = form instanceof FormData ? formDataToObject(form) : inputOrPrev instanceof FormData ? formDataToObject(inputOrPrev) : inputOrPrev;
      const input = schema.parse(raw);
      return fn(input, { db: await getDb(), actor });
    });
}
