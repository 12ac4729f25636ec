// The one wrapper behind every REST route: request id, authentication (Bearer API key or the
// session cookie), the key's rate limit and scope, the role check, usage, idempotent POSTs, and the
// error envelope. Handlers only validate, call a verb, map.
import { roleCan, type Permission } from "../auth/roles";
import type { Actor } from "../context";
import { getDb, type Db } from "../../db";
import type { ApiKeyScope, UploadOrigin } from "../../db/schema/enums";
import type { Admitted, ApiKeyInfo } from "../api-keys/admit-api-key";
import { admitQueued } from "../api-keys/admit-queue";
import type { RateLimitVerdict } from "../api-keys/rate-limit";
import { chargeImages, refundImages } from "../api-keys/usage";
import { AppError, normaliseError, RETRY_AFTER_SECONDS, toEnvelope } from "../errors";
import { newId } from "../ids";
import { describeError } from "../log";
import { IDEMPOTENCY_KEY_MAX_LENGTH, MAX_REQUEST_BYTES } from "../limits";
import { apiSecurityHeaders } from "../security-headers";
import { hasControlCharacters } from "../validation";
import { claimIdempotencyKey, releaseIdempotencyKey, REPLAYED_HEADERS, requestHash, saveIdempotentResponse } from "./idempotency";
import { readBodyLimited } from "./read-body";

export interface RouteCtx<P> {
  actor: Extract<Actor, { type: "user" | "api_key" }>;
  /** The API key the request came with (null for a signed-in user). */
  apiKey: ApiKeyInfo | null;
  db: Db;
  requestId: string;
  params: P;
  /**
   * Count `n` images against the key's monthly quota before working on them: throws
   * `quota_exceeded` when they do not fit. Nothing for session users and test keys.
   */
  chargeImages(n: number): Promise<void>;
  /** With RouteOptions.policyOrigin and an API key: the key's policy for that origin, resolved while admitting the key. */
  policy: Admitted["policy"];
}

export interface RouteOptions {
  /** The role permission a user (or the key's owner) needs. */
  permission: Permission;
  /** The scope an API key needs. Session users are governed by their role alone. */
  scope: ApiKeyScope;
  /** Largest body an idempotent POST buffers (default MAX_REQUEST_BYTES); a route that reads more sets it. */
  maxBodyBytes?: number;
  /**
   * The origin whose policy the handler applies when the request names none: an API key's request then
   * has it resolved in the statement that admits the key (one round trip less on the hot path).
   */
  policyOrigin?: UploadOrigin;
  /**
   * The images one request spends (a route with one image in): charged with an API key's admission,
   * so the handler's chargeImages(n) for up to that many makes no round trip of its own. What the
   * handler does not spend (it failed first, or the request was an idempotent replay) is given back
   * when the request ends.
   */
  images?: number;
}

type Handler<P> = (req: Request, ctx: RouteCtx<P>) => Promise<Response | object>;

type Identified = {
  actor: RouteCtx<unknown>["actor"];
  apiKey: ApiKeyInfo | null;
  rateLimit: RateLimitVerdict | null;
  policy: Admitted["policy"];
  /** Images charged while admitting the key (RouteOptions.images), and the day they count on. */
  prepaid: { images: number; day: string };
};

async function identify(req: Request, db: Db, opts: RouteOptions): Promise<Identified> {
  // An API key as `Authorization: Bearer lp_…` or as `x-api-key: lp_…`.
  const header = req.headers.get("authorization");
  const keyHeader = req.headers.get("x-api-key");
  if (header || keyHeader) {
    const m = header ? /^Bearer\s+(\S+)$/i.exec(header) : /^(\S+)$/.exec(keyHeader!.trim());
    // One statement: the key checked, a token taken from its bucket, the request counted, the policy
    // resolved when the route asks (lib/api-keys/admit-api-key.ts); shared with the same key's requests
    // that wait for it meanwhile (lib/api-keys/admit-queue.ts).
    const chargeImages = opts.images ? { n: opts.images, scope: opts.scope } : undefined;
    const admitted = m ? await admitQueued(db, m[1]!, { policyOrigin: opts.policyOrigin, chargeImages }) : null;
    if (!admitted) throw new AppError("unauthenticated", "The API key is missing, malformed, unknown, revoked or expired.");
    const { key, ...actor } = admitted.actor;
    return { actor, apiKey: key, rateLimit: admitted.rateLimit, policy: admitted.policy, prepaid: { images: admitted.imagesCharged, day: admitted.day } };
  }
  const { currentActor } = await import("../auth/session");
  const actor = await currentActor();
  if (!actor) throw new AppError("unauthenticated");
  return { actor, apiKey: null, rateLimit: null, policy: null, prepaid: { images: 0, day: "" } };
}

/** `apiRoute({ permission, scope }, handler)`: see RouteOptions. */
export function apiRoute<P = Record<string, never>>(opts: RouteOptions, handler: Handler<P>) {
  return async (req: Request, segment: { params: Promise<P> }): Promise<Response> => {
    const requestId = newId("request");
    // Headers every answer carries, errors included: the security headers (the proxy skips /api/v1),
    // the request id, and a key's rate-limit state.
    const headers: Record<string, string> = { ...apiSecurityHeaders(req), "x-request-id": requestId };
    let db: Db | undefined;
    let claim: { owner: string; key: string } | null = null;
    // Images the key's admission charged and the handler has not spent yet: given back at the end.
    let unspent: { lineageId: string; images: number; day: string } | null = null;
    try {
      db = await getDb();
      const { actor, apiKey, rateLimit: rl, policy, prepaid } = await identify(req, db, opts);
      if (apiKey && prepaid.images > 0) unspent = { lineageId: apiKey.lineageId, ...prepaid };
      if (apiKey && rl) {
        headers["x-ratelimit-limit"] = String(rl.limit);
        headers["x-ratelimit-remaining"] = String(rl.remaining);
        headers["x-ratelimit-reset"] = String(rl.resetSeconds);
        if (!rl.allowed) {
          headers["retry-after"] = String(rl.retryAfterSeconds);
          throw new AppError("rate_limited", `This API key allows ${rl.limit} requests a minute; retry in ${rl.retryAfterSeconds} s.`);
        }
        if (!apiKey.scopes.includes(opts.scope)) throw new AppError("forbidden", `This API key lacks the \`${opts.scope}\` scope.`);
      }
      if (!roleCan(actor.role, opts.permission)) throw new AppError("forbidden");
      const params = await segment.params;
      // Path segments reach SQL as text: a NUL in one would be a database error, not a 404.
      for (const [name, value] of Object.entries((params ?? {}) as Record<string, unknown>)) {
        if (typeof value === "string" && hasControlCharacters(value)) {
          throw new AppError("invalid_request", `${name}: must not contain control characters (such as NUL)`, { param: name });
        }
      }

      let request = req;
      const idemKey = req.method === "POST" ? req.headers.get("idempotency-key") : null;
      if (idemKey !== null) {
        if (idemKey.length === 0 || idemKey.length > IDEMPOTENCY_KEY_MAX_LENGTH || hasControlCharacters(idemKey)) {
          throw new AppError("invalid_request", `Idempotency-Key: 1 to ${IDEMPOTENCY_KEY_MAX_LENGTH} printable characters.`, { param: "Idempotency-Key" });
        }
        // The body is read once, within the route's limit, hashed, and handed on as a fresh request.
        const body = await readBodyLimited(req, opts.maxBodyBytes ?? MAX_REQUEST_BYTES);
        const owner = apiKey ? `key:${apiKey.lineageId}` : `user:${actor.id}`;
        const c = await claimIdempotencyKey(db, owner, idemKey, requestHash(req.method, req.url, body));
        if (c.kind === "conflict") throw new AppError("idempotency_conflict", c.message, { param: "Idempotency-Key" });
        if (c.kind === "replay") {
          return new Response(new Uint8Array(c.response.body), {
            status: c.response.status,
            headers: { ...c.response.headers, ...headers, "idempotent-replayed": "true" },
          });
        }
        claim = { owner, key: idemKey };
        request = new Request(req.url, { method: req.method, headers: req.headers, body: new Uint8Array(body) });
      }

      const dbForCharge = db;
      const chargeImagesFn = async (n: number) => {
        if (!apiKey || apiKey.mode === "test" || n <= 0) return;
        if (unspent && n <= unspent.images) {
          unspent.images -= n;
          return;
        }
        if (!(await chargeImages(dbForCharge, apiKey.lineageId, n, apiKey.monthlyImageQuota))) {
          throw new AppError("quota_exceeded", `This API key's quota of ${apiKey.monthlyImageQuota} images this month is used up.`);
        }
      };
      const out = await handler(request, { actor, apiKey, db, requestId, params: params as P, chargeImages: chargeImagesFn, policy });
      let res = out instanceof Response ? out : Response.json(out);
      if (claim) res = await settleClaim(db, claim, res);
      for (const [k, v] of Object.entries(headers)) res.headers.set(k, v);
      return res;
    } catch (err) {
      const e = normaliseError(err);
      if (e.code === "service_unavailable") headers["retry-after"] = String(RETRY_AFTER_SECONDS);
      const res = Response.json(toEnvelope(e, requestId), { status: e.status, headers });
      if (claim && db) return settleClaim(db, claim, res).catch(() => res);
      return res;
    } finally {
      if (unspent && unspent.images > 0 && db) {
        const { lineageId, images, day } = unspent;
        await refundImages(db, lineageId, images, day).catch((err: unknown) =>
          console.error(`[loupe] ${requestId}: could not give back ${images} unspent image(s): ${describeError(err)}`),
        );
      }
    }
  };
}

/** Stores the answer under the claimed key (or gives the key back on a 5xx); returns it re-readable. */
async function settleClaim(db: Db, claim: { owner: string; key: string }, res: Response): Promise<Response> {
  if (res.status >= 500) {
    await releaseIdempotencyKey(db, claim.owner, claim.key);
    return res;
  }
  const body = Buffer.from(await res.arrayBuffer());
  const kept: Record<string, string> = {};
  for (const name of REPLAYED_HEADERS) {
    const v = res.headers.get(name);
    if (v !== null) kept[name] = v;
  }
  await saveIdempotentResponse(db, claim.owner, claim.key, { status: res.status, body, headers: kept });
  return new Response(new Uint8Array(body), { status: res.status, statusText: res.statusText, headers: res.headers });
}

/** Parse with zod; failures become `invalid_request` naming the first bad parameter. */
export function parseOrThrow<T>(schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } } }, value: unknown): T {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const param = issue?.path.map(String).join(".") || undefined;
  throw new AppError("invalid_request", issue ? `${param ? `${param}: ` : ""}${issue.message}` : undefined, { param });
}

/** A JSON error response outside apiRoute (unknown paths, wrong methods): the same envelope, request id and security headers. */
export function errorResponse(err: AppError, headers: Record<string, string> = {}, req: Request | null = null): Response {
  const requestId = newId("request");
  return Response.json(toEnvelope(err, requestId), { status: err.status, headers: { ...apiSecurityHeaders(req), "x-request-id": requestId, ...headers } });
}

/** The security headers on a response an /api/v1 route makes outside apiRoute (the proxy skips /api/v1). */
export function withApiHeaders(res: Response, req: Request | null = null): Response {
  for (const [k, v] of Object.entries(apiSecurityHeaders(req))) res.headers.set(k, v);
  return res;
}

const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;
type Method = (typeof METHODS)[number];

/**
 * Handlers for the methods a route does not implement: a JSON 405 `method_not_allowed` naming the
 * allowed ones (Next's own 405 has an empty body). Spread into the route module's exports.
 */
export function otherMethods(allowed: readonly Method[]): Record<Method, (req?: Request) => Response> {
  const answer = (req?: Request) =>
    errorResponse(new AppError("method_not_allowed", `Use ${allowed.join(" or ")} on this path.`), { allow: allowed.join(", ") }, req ?? null);
  return Object.fromEntries(METHODS.map((m) => [m, answer])) as Record<Method, (req?: Request) => Response>;
}
