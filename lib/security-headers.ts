// Response headers that every page and API route carries (applied by proxy.ts). Pages get a Content
// Security Policy with a fresh nonce per request, which Next puts on its own scripts; API responses
// are data and images, so their policy allows nothing to run or load.

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
