// The one wrapper behind every REST route: request id, authentication (Bearer API key or the
// session cookie), role check, and the error envelope. Handlers only validate, call a verb, map.
import { roleCan, type Permission } from "../auth/roles";
import type { Actor } from "../context";
import { getDb, type Db } from "../../db";
import { authenticateApiKey } from "../api-keys/authenticate-api-key";
import { AppError, normaliseError, RETRY_AFTER_SECONDS, toEnvelope } from "../errors";
import { newId } from "../ids";
import { hasControlCharacters } from "../validation";

export interface RouteCtx<P> {
  actor: Extract<Actor, { type: "user" | "api_key" }>;
  db: Db;
  requestId: string;
  params: P;
}

type Handler<P> = (req: Request, ctx: RouteCtx<P>) => Promise<Response | object>;

async function identify(req: Request, db: Db): Promise<RouteCtx<unknown>["actor"]> {
  // An API key as `Authorization: Bearer lp_…` or as `x-api-key: lp_…`.
  const header = req.headers.get("authorization");
  const keyHeader = req.headers.get("x-api-key");
  if (header || keyHeader) {
    const m = header ? /^Bearer\s+(\S+)$/i.exec(header) : /^(\S+)$/.exec(keyHeader!.trim());
    const actor = m ? await authenticateApiKey(db, m[1]!) : null;
    if (!actor) throw new AppError("unauthenticated", "The API key is missing, malformed, unknown or revoked.");
    return actor;
  }
  const { currentActor } = await import("../auth/session");
  const actor = await currentActor();
  if (!actor) throw new AppError("unauthenticated");
  return actor;
}

export function apiRoute<P = Record<string, never>>(permission: Permission, handler: Handler<P>) {
  return async (req: Request, segment: { params: Promise<P> }): Promise<Response> => {
    const requestId = newId("request");
    try {
      const db = await getDb();
      const actor = await identify(req, db);
      if (!roleCan(actor.role, permission)) throw new AppError("forbidden");
      const params = await segment.params;
      // Path segments reach SQL as text: a NUL in one would be a database error, not a 404.
      for (const [name, value] of Object.entries((params ?? {}) as Record<string, unknown>)) {
        if (typeof value === "string" && hasControlCharacters(value)) {
          throw new AppError("invalid_request", `${name}: must not contain control characters (such as NUL)`, { param: name });
        }
      }
      const out = await handler(req, { actor, db, requestId, params });
      const res = out instanceof Response ? out : Response.json(out);
      res.headers.set("x-request-id", requestId);
      return res;
    } catch (err) {
      const e = normaliseError(err);
      const retry: Record<string, string> = e.code === "service_unavailable" ? { "retry-after": String(RETRY_AFTER_SECONDS) } : {};
      return Response.json(toEnvelope(e, requestId), { status: e.status, headers: { "x-request-id": requestId, ...retry } });
    }
  };
}

/** Parse with zod; failures become `invalid_request` naming the first bad parameter. */
export function parseOrThrow<T>(schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } } }, value: unknown): T {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const param = issue?.path.map(String).join(".") || undefined;
  throw new AppError("invalid_request", issue ? `${param ? `${param}: ` : ""}${issue.message}` : undefined, { param });
}

/** A JSON error response outside apiRoute (unknown paths, wrong methods): the same envelope and request id. */
export function errorResponse(err: AppError, headers: Record<string, string> = {}): Response {
  const requestId = newId("request");
  return Response.json(toEnvelope(err, requestId), { status: err.status, headers: { "x-request-id": requestId, ...headers } });
}

const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;
type Method = (typeof METHODS)[number];

/**
 * Handlers for the methods a route does not implement: a JSON 405 `method_not_allowed` naming the
 * allowed ones (Next's own 405 has an empty body). Spread into the route module's exports.
 */
export function otherMethods(allowed: readonly Method[]): Record<Method, () => Response> {
  const answer = () =>
    errorResponse(new AppError("method_not_allowed", `Use ${allowed.join(" or ")} on this path.`), { allow: allowed.join(", ") });
  return Object.fromEntries(METHODS.map((m) => [m, answer])) as Record<Method, () => Response>;
}
