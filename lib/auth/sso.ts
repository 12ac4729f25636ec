// Single sign-on: who an OpenID Connect identity provider's ID token makes a person in Loupe
// (README, "Single sign-on"). Auth.js runs the protocol (lib/auth/index.ts: discovery, the redirect,
// state, PKCE and nonce, the code exchange with the client secret, and the ID token's issuer, audience,
// expiry and nonce; the token comes straight from the provider's token endpoint, so, as OpenID Connect
// Core 3.1.3.7 allows, its signature is not checked); this decides, from the token's validated claims,
// which account signs in, creating or binding it, or why nobody does.
//
// An account is bound to one identity (issuer + subject). The first SSO sign-in of an account an admin
// made binds it by email; later sign-ins find it by the identity, so an email changed at the provider
// follows the person rather than reaching another account.
import { and, eq, sql } from "drizzle-orm";
import type { DbOrTx } from "../../db";
import { users, type User } from "../../db/schema";
import { writeAudit } from "../audit";
import type { Env } from "../env";
import { newId } from "../ids";
import { ROLES, type Role } from "./roles";

export interface SsoConfig {
  issuer: string;
  /** Role of a first-time user with no account; null: only accounts an admin made may sign in. */
  newUserRole: Role | null;
  /** Email domains allowed to sign in (lower case); null: any. */
  emailDomains: string[] | null;
  /** The claim naming the person's groups and which value gives which role; null: Loupe keeps roles. */
  roles: { claim: string; map: [string, Role][] } | null;
}

/** Why an SSO sign-in was refused: the sign-in page's `?error=` code, explained there. */
export const SSO_REFUSALS = {
  sso_no_email: "Your identity provider did not send an email address, which Loupe needs to know who you are.",
  sso_email_unverified: "Your identity provider says your email address is not verified.",
  sso_domain_not_allowed: "Your email domain may not sign in to Loupe.",
  sso_no_role: "Your identity provider gives you none of the groups that have a role in Loupe. Ask an admin to add you to one.",
  sso_no_account: "There is no Loupe account for your email address. Ask an admin to add you.",
  sso_disabled: "Your Loupe account is disabled.",
  sso_other_identity: "Your Loupe account is bound to another identity at the provider. Ask an admin.",
} as const;
export type SsoRefusal = keyof typeof SSO_REFUSALS;

export type SsoOutcome = { ok: true; user: User } | { ok: false; code: SsoRefusal };

/** The claims Loupe reads from a validated ID token. */
export interface SsoClaims {
  sub: string;
  email?: unknown;
  email_verified?: unknown;
  name?: unknown;
  [claim: string]: unknown;
}

/** The highest role the claim's values give (admin > moderator > editor), or null when none matches. */
export function mappedRole(claims: SsoClaims, roles: NonNullable<SsoConfig["roles"]>): Role | null {
  const raw = claims[roles.claim];
  // Providers send a list (groups: [..]) or one string; a string may list several, space-separated (scope style).
  const values = new Set(Array.isArray(raw) ? raw.filter((v): v is string => typeof v === "string") : typeof raw === "string" ? raw.split(/[\s,]+/) : []);
  const granted = roles.map.filter(([value]) => values.has(value)).map(([, role]) => role);
  return ROLES.find((r) => granted.includes(r)) ?? null;
}

/**
 * The account an ID token signs in, after creating it, binding it to the identity or updating its
 * role and email as the configuration says, or the reason nobody signs in. Audited as the person:
 * `user.create` / `user.sso_bound` / `user.update` with `via: "sso"`.
 */
export async function resolveSsoUser(db: DbOrTx, config: SsoConfig, claims: SsoClaims): Promise<SsoOutcome> {
  const email = typeof claims.email === "string" ? claims.email.trim().toLowerCase() : "";
  if (!email.includes("@")) return { ok: false, code: "sso_no_email" };
  // Absent is taken as verified (Microsoft Entra ID does not send the claim); false never is.
  if (claims.email_verified === false || claims.email_verified === "false") return { ok: false, code: "sso_email_unverified" };
  if (config.emailDomains && !config.emailDomains.includes(email.slice(email.lastIndexOf("@") + 1))) return { ok: false, code: "sso_domain_not_allowed" };
  const role = config.roles ? mappedRole(claims, config.roles) : null;
  if (config.roles && !role) return { ok: false, code: "sso_no_role" };
  const name = typeof claims.name === "string" ? claims.name.trim().slice(0, 100) : "";

  return db.transaction(async (tx) => {
    const [bound] = await tx.select().from(users).where(and(eq(users.oidcIssuer, config.issuer), eq(users.oidcSubject, claims.sub)));
    let user = bound;
    if (!user) {
      const [byEmail] = await tx.select().from(users).where(eq(users.email, email)).for("update");
      if (byEmail) {
        if (byEmail.oidcSubject !== null) return { ok: false, code: "sso_other_identity" } as const;
        if (byEmail.disabled) return { ok: false, code: "sso_disabled" } as const;
        [user] = await tx.update(users).set({ oidcIssuer: config.issuer, oidcSubject: claims.sub }).where(eq(users.id, byEmail.id)).returning();
        await writeAudit(tx, actorOf(user!), { action: "user.sso_bound", targetType: "user", targetId: user!.id, data: { via: "sso", issuer: config.issuer } });
      } else {
        const newRole = role ?? config.newUserRole;
        if (!newRole) return { ok: false, code: "sso_no_account" } as const;
        [user] = await tx
          .insert(users)
          .values({ id: newId("user"), email, name, passwordHash: null, role: newRole, oidcIssuer: config.issuer, oidcSubject: claims.sub })
          .returning();
        await writeAudit(tx, actorOf(user!), { action: "user.create", targetType: "user", targetId: user!.id, data: { email, role: newRole, via: "sso", issuer: config.issuer } });
      }
    }
    if (user!.disabled) return { ok: false, code: "sso_disabled" } as const;

    const changes: Partial<User> = {};
    if (role && role !== user!.role) changes.role = role;
    // The provider's email moved: follow it, unless another account has it.
    if (email !== user!.email) {
      const [taken] = await tx.select({ id: users.id }).from(users).where(eq(users.email, email));
      if (!taken) changes.email = email;
    }
    const [updated] = await tx
      .update(users)
      .set({
        ...changes,
        lastSignInAt: sql`now()`,
        // A role change ends the person's other sessions, as one made on the Users page does.
        ...(changes.role ? { sessionVersion: sql`${users.sessionVersion} + 1` } : {}),
      })
      .where(eq(users.id, user!.id))
      .returning();
    if (changes.role || changes.email) {
      await writeAudit(tx, actorOf(updated!), { action: "user.update", targetType: "user", targetId: updated!.id, data: { ...changes, from: { role: user!.role, email: user!.email }, via: "sso" } });
    }
    return { ok: true, user: updated! } as const;
  });
}

function actorOf(user: User) {
  return { type: "user", id: user.id, role: user.role, email: user.email } as const;
}

/** The configuration from the environment (lib/env.ts), or null when single sign-on is off. */
export function ssoConfigFromEnv(e: Env): SsoConfig | null {
  if (!e.LOUPE_OIDC_ISSUER) return null;
  return {
    issuer: e.LOUPE_OIDC_ISSUER,
    newUserRole: e.LOUPE_OIDC_NEW_USER_ROLE ?? null,
    emailDomains: e.LOUPE_OIDC_EMAIL_DOMAINS ?? null,
    roles: e.LOUPE_OIDC_ROLES_CLAIM && e.LOUPE_OIDC_ROLES ? { claim: e.LOUPE_OIDC_ROLES_CLAIM, map: e.LOUPE_OIDC_ROLES as [string, Role][] } : null,
  };
}
