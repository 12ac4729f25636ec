// Runs before every request but /api/v1's (Next's proxy, formerly middleware): security headers on
// every response, and a fresh CSP nonce for each page, which Next reads from the request's CSP header
// and puts on the scripts it renders. /api/v1 sets the same headers itself (lib/security-headers.ts
// says why).
import { NextResponse, type NextRequest } from "next/server";
import { securityHeaders, servedOverHttps } from "./lib/security-headers";

export function proxy(request: NextRequest) {
  const isApi = request.nextUrl.pathname.startsWith("/api/");
  const nonce = isApi ? undefined : Buffer.from(crypto.randomUUID()).toString("base64");
  const headers = securityHeaders({ nonce, https: servedOverHttps(request.headers) });
  const requestHeaders = new Headers(request.headers);
  if (nonce) {
    requestHeaders.set("x-nonce", nonce);
    requestHeaders.set("content-security-policy", headers["content-security-policy"]!);
  }
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  for (const [k, v] of Object.entries(headers)) response.headers.set(k, v);
  return response;
}

export const config = {
  // Static build assets are served as files; /api/v1 sets its own headers; everything else (pages,
  // sign-in, the worker route, images) passes here.
  matcher: [{ source: "/((?!_next/static|_next/image|favicon.ico|api/v1/).*)" }],
};
