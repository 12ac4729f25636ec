// Response headers that every page and API route carries. Pages get them from proxy.ts, with a Content
// Security Policy holding a fresh nonce per request, which Next puts on its own scripts. /api/v1
// responses get them from the API layer (lib/api/route.ts: apiRoute, errorResponse, otherMethods, and
// withApiHeaders for the few routes outside those): they are data and images, so their policy allows
// nothing to run or load. The proxy skips /api/v1, because Next hands a proxied request's body through
// a copy, which cost an API request about a fifth of its CPU time (bench:api, cached lookups).
import { env } from "./env";

export interface SecurityHeaderOptions {
  /** Per-request nonce for pages' scripts (absent for API routes). */
  nonce?: string;
  /** Served over HTTPS (the public URL is https): add Strict-Transport-Security. */
  https: boolean;
}

export function pageCsp(nonce: string): string {
  return [
    "default-src 'self'",
    // 'strict-dynamic': scripts Next's nonce-carrying scripts load are trusted; nothing else runs.
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'`,
    // Inline style attributes (progress bars, overlay opacity) are layout, not code.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' blob: data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

export const API_CSP = "default-src 'none'; frame-ancestors 'none'";

/** Whether the request came over HTTPS: the public URL is https, or a trusted proxy says so. */
export function servedOverHttps(headers: Pick<Headers, "get"> | null): boolean {
  if (env.LOUPE_PUBLIC_URL?.startsWith("https:")) return true;
  return Boolean(env.LOUPE_TRUST_PROXY && headers?.get("x-forwarded-proto") === "https");
}

/** The headers of an API response (no nonce: nothing runs). */
export function apiSecurityHeaders(req: Pick<Request, "headers"> | null): Record<string, string> {
  return securityHeaders({ https: servedOverHttps(req?.headers ?? null) });
}

export function securityHeaders(opts: SecurityHeaderOptions): Record<string, string> {
  return {
    "content-security-policy": opts.nonce ? pageCsp(opts.nonce) : API_CSP,
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "strict-origin-when-cross-origin",
    "permissions-policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()",
    ...(opts.https ? { "strict-transport-security": "max-age=31536000; includeSubDomains" } : {}),
  };
}
