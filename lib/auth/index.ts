// next-auth v5 (Auth.js) with email + password. Sessions are JWTs carrying the user id, role and the
// user's session version, and every action, page and route re-reads the user (lib/auth/session.ts):
// a role change, a disabled account or a sign-out (which raises the version) ends the session on the
// next request, not when the token expires.
import NextAuth, { type DefaultSession } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { z } from "zod";
import { getDb } from "../../db";
import { env } from "../env";
import type { Role } from "./roles";
import { authLogger } from "./logger";
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

export const { handlers, auth, signIn, signOut } = NextAuth({
  secret: authSecret(),
  trustHost: true,
  // Served over HTTPS: session cookies are Secure (and __Secure- prefixed).
  useSecureCookies: env.LOUPE_PUBLIC_URL?.startsWith("https:") ?? false,
  session: { strategy: "jwt", maxAge: 12 * 60 * 60 },
  pages: { signIn: "/sign-in" },
  logger: authLogger,
  providers: [
    Credentials({
      credentials: { email: {}, password: {} },
      async authorize(raw) {
        const parsed = credentials.safeParse(raw);
        if (!parsed.success) return null;
        const user = await verifyCredentials(await getDb(), parsed.data.email, parsed.data.password);
        if (!user) return null;
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
