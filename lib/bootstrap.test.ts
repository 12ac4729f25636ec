import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { policies, users } from "../db/schema";
import { admitApiKey } from "./api-keys/admit-api-key";
import { createApiKey } from "./api-keys/create-api-key";
import { revokeApiKey } from "./api-keys/revoke-api-key";
import { verifyCredentials } from "./auth/verify-credentials";
import { openDb } from "../db";
import { bootstrap, ensureAdmin, ensureDefaultPolicy } from "./bootstrap";
import { createTestDb, TEST_DB_KINDS, type TestDb } from "./testing/test-db";
import { createUser } from "./users/create-user";
import { updateUser } from "./users/update-user";

describe.each(TEST_DB_KINDS)("first run, users and keys on %s", (kind) => {
  // A database per test: each can run alone.
  let t: TestDb;
  beforeEach(async () => {
    t = await createTestDb(kind);
  });
  afterEach(() => t?.cleanup());

  it("creates one admin with a generated password printed once, then never again", async () => {
    const printed: string[] = [];
    const first = await ensureAdmin(t.db, { email: "root@example.test", print: (m) => printed.push(m) });
    expect(first?.generated).toBe(true);
    expect(first!.password).toHaveLength(20);
    expect(printed.join("\n")).toContain(first!.password);
    expect(await verifyCredentials(t.db, "ROOT@example.test", first!.password)).toMatchObject({ role: "admin" });
    expect(await verifyCredentials(t.db, "root@example.test", "wrong-password")).toBeNull();
    expect(await ensureAdmin(t.db, { print: (m) => printed.push(m) })).toBeNull();
    expect(printed).toHaveLength(1);
    await ensureDefaultPolicy(t.db);
    expect(await t.db.select().from(policies).where(eq(policies.isDefault, true))).toHaveLength(1);
  });

  it("lets processes that start together on a fresh database create one admin between them", async () => {
    // On PostgreSQL each handle is its own pool, as separate processes are; PGlite has one.
    const others = kind === "postgres" ? await Promise.all([1, 2, 3].map(() => openDb({ url: t.url!, migrate: false }))) : [];
    try {
      const printed: string[] = [];
      await Promise.all([t.db, t.db, ...others.map((o) => o.db)].map((db) => bootstrap(db, (m) => printed.push(m))));
      expect(await t.db.select().from(users).where(eq(users.role, "admin"))).toHaveLength(1);
      expect(await t.db.select().from(policies).where(eq(policies.isDefault, true))).toHaveLength(1);
      expect(printed).toHaveLength(1);
      expect(printed[0]).toContain("Password (shown once)");
    } finally {
      await Promise.all(others.map((o) => o.close()));
    }
  });

  it("lets only admins manage users; a disabled user cannot sign in", async () => {
    await ensureAdmin(t.db, { email: "root@example.test", password: "root-password", print: () => {} });
    const [admin] = await t.db.select().from(users).where(eq(users.role, "admin"));
    const adminActor = { type: "user" as const, id: admin!.id, role: "admin" as const, email: admin!.email };
    const editor = await createUser({ ctx: { db: t.db, actor: adminActor }, input: { email: "Ed@Example.test", password: "editor-pass", role: "editor" } });
    expect(editor.email).toBe("ed@example.test");
    const editorActor = { type: "user" as const, id: editor.id, role: "editor" as const, email: editor.email };
    await expect(createUser({ ctx: { db: t.db, actor: editorActor }, input: { email: "x@example.test", password: "password1", role: "admin" } })).rejects.toMatchObject({ code: "forbidden" });
    await expect(createUser({ ctx: { db: t.db, actor: adminActor }, input: { email: "ed@example.test", password: "password1", role: "editor" } })).rejects.toMatchObject({ code: "conflict", param: "email" });
    // No password needs single sign-on, which is not set up here.
    await expect(createUser({ ctx: { db: t.db, actor: adminActor }, input: { email: "sso@example.test", password: "", role: "editor" } })).rejects.toMatchObject({ code: "invalid_request", param: "password" });
    await expect(updateUser({ ctx: { db: t.db, actor: adminActor }, input: { userId: admin!.id, role: "editor" } })).rejects.toMatchObject({ code: "invalid_request" });

    const { secret } = await createApiKey({ ctx: { db: t.db, actor: editorActor }, input: { name: "pipeline" } });
    expect((await admitApiKey(t.db, secret))?.actor).toMatchObject({ type: "api_key", userId: editor.id, role: "editor" });
    await updateUser({ ctx: { db: t.db, actor: adminActor }, input: { userId: editor.id, role: "moderator" } });
    expect((await admitApiKey(t.db, secret))?.actor).toMatchObject({ role: "moderator" });

    await updateUser({ ctx: { db: t.db, actor: adminActor }, input: { userId: editor.id, disabled: true } });
    expect(await verifyCredentials(t.db, "ed@example.test", "editor-pass")).toBeNull();
    expect(await admitApiKey(t.db, secret)).toBeNull();
    await updateUser({ ctx: { db: t.db, actor: adminActor }, input: { userId: editor.id, disabled: false } });
    const key = (await admitApiKey(t.db, secret))?.actor;
    await revokeApiKey({ ctx: { db: t.db, actor: editorActor }, input: { keyId: key!.id } });
    expect(await admitApiKey(t.db, secret)).toBeNull();
  });
});
