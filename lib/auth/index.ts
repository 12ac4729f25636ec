// next-auth v5 (Auth.js) with email + password and, when configured, single sign-on through an OpenID
// Connect provider (lib/auth/sso.ts decides who its ID token signs in). Sessions are JWTs carrying the
// user id, role and the user's session version, and every action, page and route re-reads the user
// (lib/auth/session.ts): a role change, a disabled account or a sign-out (which raises the version)
// ends the session on the next request, not when the token expires.
import NextAuth, { CredentialsSignin, type DefaultSession } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import type { Provider } from "next-auth/providers";
import { eq, sql } from "drizzle-orm";
import { z } from "zod";
import { users } from "../../db/schema";
import { getDb } from "../../db";
import { env } from "../env";
import type { Role } from "./roles";
import { authLogger } from "./logger";
import { ACCOUNT_RULE, accountKey, ADDRESS_RULE, addressKey, checkThrottle, clearThrottle, recordFailure, type ThrottleRule } from "./throttle";
import { authSecret } from "./secret";
import { resolveSsoUser, ssoConfigFromEnv, type SsoClaims, type SsoRefusal } from "./sso";
import { verifyCredentials } from "./verify-credentials";

declare module "next-auth" {
  interface Session {
    /** `sv`: the user's session version when this session was issued (see users.sessionVersion). */
    user: { id: string; role: Role; sv: number } & DefaultSession["user"];
  }
  interface User {
    role?: Role;
    sv?: number;
    /** SSO: the Loupe account the ID token signs in (Auth.js replaces `id` with a random one). */
    loupeId?: string;
    /** SSO: why nobody signs in (lib/auth/sso.ts); the signIn callback sends the browser back with it. */
    refused?: SsoRefusal;
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
  // Errors (the provider unreachable, the person cancelled at the provider) come back to the sign-in page
  // as ?error=<Auth.js error type>, which it explains.
  pages: { signIn: "/sign-in", error: "/sign-in" },
  logger: authLogger,
  providers: providers(),
  callbacks: {
    signIn({ user }) {
      return user.refused ? `/sign-in?error=${user.refused}` : true;
    },
    jwt({ token, user }) {
      if (user) {
        token.sub = user.loupeId ?? user.id;
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

/** Email and password (unless LOUPE_PASSWORD_SIGN_IN=false) and the OpenID Connect provider when configured. */
function providers(): Provider[] {
  const list: Provider[] = [];
  if (env.LOUPE_PASSWORD_SIGN_IN) list.push(passwordProvider());
  const sso = ssoConfigFromEnv(env);
  if (sso) {
    list.push({
      id: "oidc",
      name: env.LOUPE_OIDC_NAME,
      type: "oidc",
      issuer: sso.issuer,
      clientId: env.LOUPE_OIDC_CLIENT_ID,
      clientSecret: env.LOUPE_OIDC_CLIENT_SECRET,
      authorization: { params: { scope: env.LOUPE_OIDC_SCOPES } },
      checks: ["pkce", "state", "nonce"],
      // The ID token's claims, validated by Auth.js (issuer, audience, expiry, nonce; lib/auth/sso.ts says why not its signature).
      async profile(claims) {
        const outcome = await resolveSsoUser(await getDb(), sso, claims as SsoClaims);
        if (!outcome.ok) {
          console.warn(`[auth] single sign-on refused (${outcome.code}) for subject ${String(claims.sub)} at ${sso.issuer}`);
          return { id: String(claims.sub), refused: outcome.code };
        }
        const user = outcome.user;
        return { id: String(claims.sub), loupeId: user.id, email: user.email, name: user.name || user.email, role: user.role, sv: user.sessionVersion };
      },
    });
  }
  return list;
}

function passwordProvider(): Provider {
  return Credentials({
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
      await db.update(users).set({ lastSignInAt: sql`now()` }).where(eq(users.id, user.id));
      return { id: user.id, email: user.email, name: user.name || user.email, role: user.role, sv: user.sessionVersion };
    },
  });
}
