// Who an identity provider's ID token signs in: new accounts by role mapping or the new-user role,
// binding an admin-made account by email, then by subject alone; every refusal with its code.
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { auditEvents, users } from "../../db/schema";
import { useSharedTestDb } from "../testing/shared-test-db";
import { insertTestUser, TEST_DB_KINDS } from "../testing/test-db";
import { verifyCredentials } from "./verify-credentials";
import { mappedRole, resolveSsoUser, type SsoConfig } from "./sso";

const ISSUER = "https://idp.example.test";
const roles: SsoConfig["roles"] = { claim: "groups", map: [["loupe-editors", "editor"], ["loupe-admins", "admin"], ["loupe-mods", "moderator"]] };
const base: SsoConfig = { issuer: ISSUER, newUserRole: null, emailDomains: null, roles: null };
let n = 0;
const unique = (local: string) => `${local}-${++n}-${Date.now()}@example.test`;

describe("mappedRole", () => {
  it("takes the highest role any value gives, from a list or a space-separated string", () => {
    expect(mappedRole({ sub: "s", groups: ["loupe-editors", "loupe-mods", "other"] }, roles!)).toBe("moderator");
    expect(mappedRole({ sub: "s", groups: ["loupe-editors", "loupe-admins"] }, roles!)).toBe("admin");
    expect(mappedRole({ sub: "s", groups: "other loupe-editors" }, roles!)).toBe("editor");
    expect(mappedRole({ sub: "s", groups: ["other"] }, roles!)).toBeNull();
    expect(mappedRole({ sub: "s" }, roles!)).toBeNull();
    expect(mappedRole({ sub: "s", groups: [1, null, { x: "loupe-admins" }] }, roles!)).toBeNull();
  });
});

describe.each(TEST_DB_KINDS)("resolveSsoUser on %s", (kind) => {
  const shared = useSharedTestDb(kind, "admin");
  const row = async (id: string) => (await shared.t().db.select().from(users).where(eq(users.id, id)))[0]!;
  const audits = async (id: string) => (await shared.t().db.select().from(auditEvents).where(eq(auditEvents.targetId, id))).map((a) => a.action);

  it("creates a first-time user with the mapped role, bound to the identity, without a password", async () => {
    const db = shared.t().db;
    const email = unique("new");
    const out = await resolveSsoUser(db, { ...base, roles }, { sub: `s-${email}`, email: email.toUpperCase(), name: " New Person ", groups: ["loupe-mods"] });
    expect(out.ok).toBe(true);
    if (!out.ok) return;
    expect(out.user).toMatchObject({ email, name: "New Person", role: "moderator", oidcIssuer: ISSUER, oidcSubject: `s-${email}`, passwordHash: null });
    expect(out.user.lastSignInAt).not.toBeNull();
    expect(await audits(out.user.id)).toEqual(["user.create"]);
    // No password, so password sign-in never lets this account in, whatever is typed.
    expect(await verifyCredentials(db, email, "")).toBeNull();
    expect(await verifyCredentials(db, email, "anything")).toBeNull();
  });

  it("creates nobody without a role map or a new-user role; with LOUPE_OIDC_NEW_USER_ROLE, that role", async () => {
    const db = shared.t().db;
    const email = unique("walk-in");
    expect(await resolveSsoUser(db, base, { sub: `s-${email}`, email })).toEqual({ ok: false, code: "sso_no_account" });
    expect(await db.select().from(users).where(eq(users.email, email))).toEqual([]);
    const out = await resolveSsoUser(db, { ...base, newUserRole: "editor" }, { sub: `s-${email}`, email });
    expect(out.ok && out.user.role).toBe("editor");
  });

  it("binds an account an admin made by its email, keeps its password, then finds it by subject after the email changes", async () => {
    const db = shared.t().db;
    const made = await insertTestUser(db, "moderator");
    const out = await resolveSsoUser(db, base, { sub: "subject-bind", email: made.email });
    expect(out.ok && out.user.id).toBe(made.id);
    expect(await row(made.id)).toMatchObject({ oidcIssuer: ISSUER, oidcSubject: "subject-bind", passwordHash: "x", role: "moderator" });
    const moved = unique("moved");
    const again = await resolveSsoUser(db, base, { sub: "subject-bind", email: moved });
    expect(again.ok && again.user.id).toBe(made.id);
    expect((await row(made.id)).email).toBe(moved);
    expect(await audits(made.id)).toEqual(["user.sso_bound", "user.update"]);
  });

  it("refuses an account bound to another subject, so a reused email cannot take it over", async () => {
    const db = shared.t().db;
    const made = await insertTestUser(db, "admin");
    await resolveSsoUser(db, base, { sub: "first-subject", email: made.email });
    expect(await resolveSsoUser(db, base, { sub: "second-subject", email: made.email })).toEqual({ ok: false, code: "sso_other_identity" });
  });

  it("the provider's groups decide the role at every sign-in; a change ends the person's other sessions", async () => {
    const db = shared.t().db;
    const email = unique("promoted");
    const first = await resolveSsoUser(db, { ...base, roles }, { sub: `s-${email}`, email, groups: ["loupe-editors"] });
    if (!first.ok) throw new Error(first.code);
    const second = await resolveSsoUser(db, { ...base, roles }, { sub: `s-${email}`, email, groups: ["loupe-admins"] });
    expect(second.ok && second.user).toMatchObject({ role: "admin", sessionVersion: first.user.sessionVersion + 1 });
    const same = await resolveSsoUser(db, { ...base, roles }, { sub: `s-${email}`, email, groups: ["loupe-admins"] });
    expect(same.ok && same.user.sessionVersion).toBe(first.user.sessionVersion + 1);
    expect(await resolveSsoUser(db, { ...base, roles }, { sub: `s-${email}`, email, groups: [] })).toEqual({ ok: false, code: "sso_no_role" });
    expect((await row(first.user.id)).role).toBe("admin");
  });

  it("refuses a disabled account, an unverified or missing email, and a domain not allowed", async () => {
    const db = shared.t().db;
    const made = await insertTestUser(db, "editor");
    await db.update(users).set({ disabled: true }).where(eq(users.id, made.id));
    expect(await resolveSsoUser(db, base, { sub: "disabled-subject", email: made.email })).toEqual({ ok: false, code: "sso_disabled" });
    expect((await row(made.id)).oidcSubject).toBeNull();
    const email = unique("unverified");
    expect(await resolveSsoUser(db, { ...base, newUserRole: "editor" }, { sub: "u", email, email_verified: false })).toEqual({ ok: false, code: "sso_email_unverified" });
    expect(await resolveSsoUser(db, { ...base, newUserRole: "editor" }, { sub: "u" })).toEqual({ ok: false, code: "sso_no_email" });
    expect(await resolveSsoUser(db, { ...base, newUserRole: "editor", emailDomains: ["example.org"] }, { sub: "u", email })).toEqual({ ok: false, code: "sso_domain_not_allowed" });
    const allowed = await resolveSsoUser(db, { ...base, newUserRole: "editor", emailDomains: ["example.org", "example.test"] }, { sub: `s-${email}`, email });
    expect(allowed.ok).toBe(true);
  });
});
