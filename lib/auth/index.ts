// next-auth v5 (Auth.js) with email + password. Sessions are JWTs carrying the user id, role and the
// user's session version, and every action, page and route re-reads the user (lib/auth/session.ts):
// a role change, a disabled account or a sign-out (which raises the version) ends the session on the
// next request, not when the token expires.
import NextAuth, { CredentialsSignin, type DefaultSession } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { z } from "zod";
import { getDb } from "../../db";
import { env } from "../env";
import type { Role } from "./roles";
import { authLogger } from "./logger";
import { ACCOUNT_RULE, accountKey, ADDRESS_RULE, addressKey, checkThrottle, clearThrottle, recordFailure, type ThrottleRule } from "./throttle";
import { authSecret } from "./secret";
import { verifyCredentials } from "./verify-credentials";

declare module "next-auth" {
  interface Session {
    /** `sv`: the user's session version when this session was issued (see users.sessionVersion). */
    user: { id: string; role: Role; sv: number } & DefaultSession["user"];
  }
  interface User {
    role?: Role;
    sv?: number;
  }
}

const credentials = z.object({ email: z.string().email(), password: z.string().min(1).max(200) });

/** A sign-in refused by the throttle; `code` is `throttled-<seconds to wait>`. */
export class ThrottledSignIn extends CredentialsSignin {
  constructor(retryAfterSeconds: number) {
    super();
    this.code = `throttled-${retryAfterSeconds}`;
  }
}

/**
 * The client's address. `npm start`'s server (lib/cli/serve.mjs) sets `x-forwarded-for` to the socket's
 * peer, whatever the client sent; behind a trusted reverse proxy (LOUPE_TRUST_PROXY) the header is the
 * proxy's, and the right-most entry is the address that proxy saw (entries to its left are the client's
 * own claims).
 */
export function clientAddress(request: Request | undefined): string | null {
  const hops = request?.headers.get("x-forwarded-for")?.split(",").map((h) => h.trim()).filter(Boolean) ?? [];
  return (env.LOUPE_TRUST_PROXY ? hops.at(-1) : hops[0]) ?? null;
}

export const { handlers, auth, signIn, signOut } = NextAuth({
  secret: authSecret(),
  trustHost: true,
  // Served over HTTPS: session cookies are Secure (and __Secure- prefixed). LOUPE_PUBLIC_URL says so;
  // without it, a trusted reverse proxy's X-Forwarded-Proto does (undefined: Auth.js reads the request's
  // protocol); otherwise plain HTTP. npm start's server drops client-sent X-Forwarded-* headers unless
  // LOUPE_TRUST_PROXY is set (lib/cli/serve.mjs), so a client cannot claim https itself.
  useSecureCookies: env.LOUPE_PUBLIC_URL ? env.LOUPE_PUBLIC_URL.startsWith("https:") : env.LOUPE_TRUST_PROXY ? undefined : false,
  session: { strategy: "jwt", maxAge: 12 * 60 * 60 },
  pages: { signIn: "/sign-in" },
  logger: authLogger,
  providers: [
    Credentials({
      credentials: { email: {}, password: {} },
      async authorize(raw, request) {
        const parsed = credentials.safeParse(raw);
        if (!parsed.success) return null;
        const db = await getDb();
        const address = clientAddress(request);
        const keys: [string, ThrottleRule][] = [[accountKey(parsed.data.email), ACCOUNT_RULE], ...(address ? [[addressKey(address), ADDRESS_RULE] as [string, ThrottleRule]] : [])];
        for (const [key, rule] of keys) {
          const verdict = await checkThrottle(db, key, rule);
          if (!verdict.ok) throw new ThrottledSignIn(verdict.retryAfterSeconds);
        }
        const user = await verifyCredentials(db, parsed.data.email, parsed.data.password);
        if (!user) {
          for (const [key, rule] of keys) await recordFailure(db, key, rule);
          return null;
        }
        await clearThrottle(db, accountKey(parsed.data.email));
        return { id: user.id, email: user.email, name: user.name || user.email, role: user.role, sv: user.sessionVersion };
      },
    }),
  ],
  callbacks: {
    jwt({ token, user }) {
      if (user) {
        token.sub = user.id;
        token.role = user.role;
        token.sv = user.sv;
      }
      return token;
    },
    session({ session, token }) {
      session.user.id = token.sub ?? "";
      session.user.role = token.role as Role;
      session.user.sv = typeof token.sv === "number" ? token.sv : -1;
      return session;
    },
  },
});
