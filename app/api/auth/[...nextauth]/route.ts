import { NextRequest } from "next/server";
import { browserOrigin } from "@/lib/api/browser-origin";
import { handlers } from "@/lib/auth";

// Auth.js builds the URLs it hands out (single sign-on's redirect_uri, the redirects after a callback)
// from the request's URL. A NextRequest's URL names 127.0.0.1 and ::1 "localhost" (Next's NextURL
// does), so on a server reached at 127.0.0.1 the callback's redirect_uri differed from the one the
// sign-in sent (Auth.js builds that one, in a server action, from the Host header), the identity
// provider refused the code, and the browser was sent to localhost, where its cookies are not. So
// Auth.js gets a plain Request addressed as its server actions see it (its createActionURL):
// browserOrigin (lib/api/browser-origin.ts).
function readdressed(handler: (req: NextRequest) => Promise<Response>) {
  return (req: NextRequest) => {
    // An operator's own AUTH_URL: next-auth re-addresses the request itself (through its nextUrl).
    if (process.env.AUTH_URL ?? process.env.NEXTAUTH_URL) return handler(req);
    const url = new URL(req.nextUrl.pathname + req.nextUrl.search, browserOrigin(req));
    const body = req.method === "GET" || req.method === "HEAD" ? undefined : req.body;
    // Without AUTH_URL, next-auth reads only url, method, headers and body.
    const plain = new Request(url, { method: req.method, headers: req.headers, body, ...(body ? { duplex: "half" } : {}) } as RequestInit);
    return handler(plain as NextRequest);
  };
}

export const GET = readdressed(handlers.GET);
export const POST = readdressed(handlers.POST);
