// Runs before every request (Next's proxy, formerly middleware): security headers on every response,
// and a fresh CSP nonce for each page, which Next reads from the request's CSP header and puts on
// the scripts it renders.
import { NextResponse, type NextRequest } from "next/server";
import { env } from "./lib/env";
import { securityHeaders } from "./lib/security-headers";

const HTTPS = env.LOUPE_PUBLIC_URL?.startsWith("https:") ?? false;

export function proxy(request: NextRequest) {
  const isApi = request.nextUrl.pathname.startsWith("/api/");
  const nonce = isApi ? undefined : Buffer.from(crypto.randomUUID()).toString("base64");
  const headers = securityHeaders({ nonce, https: HTTPS || request.headers.get("x-forwarded-proto") === "https" && env.LOUPE_TRUST_PROXY });
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
  // Static build assets are served as files; everything else (pages, API, images) passes here.
  matcher: [{ source: "/((?!_next/static|_next/image|favicon.ico).*)" }],
};
