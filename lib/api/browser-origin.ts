// The origin a browser reached this server at, for URLs the server hands out.

/**
 * The forwarded host and protocol (a client's own X-Forwarded-* are dropped by lib/cli/serve.mjs
 * unless a proxy is trusted, and Next fills them in), or the Host header, else the request URL's
 * origin. Not the request URL first: Next's NextURL names 127.0.0.1 and ::1 "localhost", so a link
 * built from it sends a browser that came by 127.0.0.1 to another origin, where its cookies are not.
 */
export function browserOrigin(req: Request): string {
  const url = new URL(req.url);
  const host = req.headers.get("x-forwarded-host") ?? req.headers.get("host");
  const proto = req.headers.get("x-forwarded-proto")?.replace(/:$/, "") ?? url.protocol.replace(/:$/, "");
  if (!host) return url.origin;
  try {
    return new URL(`${proto}://${host}`).origin;
  } catch {
    return url.origin;
  }
}
