import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditEvents, cases, policies } from "../../db/schema";
import { submitImage } from "../cases/submit-image";
import type { Actor } from "../context";
import { makeJpeg } from "../detection/testing";
import { insertTestApiKey } from "../testing/webhook-fixtures";
import { createTestDb, insertTestUser, TEST_DB_KINDS, useTempBlobStore, type TestDb } from "../testing/test-db";
import { assignPolicy } from "./assign-policy";
import { resolvePolicy } from "./resolve-policy";
import { savePolicy } from "./save-policy";

const system: Actor = { type: "system" };

describe.each(TEST_DB_KINDS)("policy assignment on %s", (kind) => {
  let t: TestDb;
  let blobs: Awaited<ReturnType<typeof useTempBlobStore>>;
  beforeAll(async () => {
    t = await createTestDb(kind);
    blobs = await useTempBlobStore();
  });
  afterAll(async () => {
    await t?.cleanup();
    await blobs?.cleanup();
  });

  it("resolves the named policy, then the key's rule, then the origin's rule, then the default", async () => {
    const ctx = { db: t.db, actor: system };
    const editor = await insertTestUser(t.db, "editor");
    const key = await insertTestApiKey(t.db, editor, "partner");
    const otherKey = await insertTestApiKey(t.db, editor, "other");
    const [def] = await t.db.select().from(policies).where(eq(policies.isDefault, true));
    const byOrigin = await savePolicy({ ctx, input: { name: "api-origin", quarantineThreshold: 40, inconclusiveAction: "clear" } });
    const byKey = await savePolicy({ ctx, input: { name: "partner-key", quarantineThreshold: 30, inconclusiveAction: "quarantine" } });
    const named = await savePolicy({ ctx, input: { name: "named", quarantineThreshold: 90, inconclusiveAction: "clear" } });
    const resolve = async (input: Parameters<typeof resolvePolicy>[1]) => {
      const r = await resolvePolicy(t.db, input);
      return [r.policy.name, r.rule];
    };

    // No rules: the default for everyone.
    expect(await resolve({ origin: "api", apiKeyId: key.id })).toEqual([def!.name, "default"]);
    await assignPolicy({ ctx, input: { origin: "api", policyId: byOrigin.id } });
    expect(await resolve({ origin: "api", apiKeyId: key.id })).toEqual(["api-origin", "origin"]);
    expect(await resolve({ origin: "upload" })).toEqual([def!.name, "default"]);
    await assignPolicy({ ctx, input: { apiKeyId: key.id, policyId: byKey.id } });
    // The key's rule beats its origin's; another key still gets the origin's rule.
    expect(await resolve({ origin: "api", apiKeyId: key.id })).toEqual(["partner-key", "api_key"]);
    expect(await resolve({ origin: "api", apiKeyId: otherKey.id })).toEqual(["api-origin", "origin"]);
    // A key's rule follows the key whatever the origin (the same key through the quick check cannot happen, but the rule is per key).
    expect(await resolve({ origin: "quick_check", apiKeyId: key.id })).toEqual(["partner-key", "api_key"]);
    // A policy the caller names beats every rule; by name or id.
    expect(await resolve({ origin: "api", apiKeyId: key.id, nameOrId: "named" })).toEqual(["named", "named"]);
    expect(await resolve({ origin: "api", apiKeyId: key.id, nameOrId: named.id })).toEqual(["named", "named"]);
    await expect(resolvePolicy(t.db, { origin: "api", nameOrId: "nope" })).rejects.toMatchObject({ code: "invalid_request", param: "policy" });

    // Replacing and removing rules.
    await assignPolicy({ ctx, input: { apiKeyId: key.id, policyId: named.id } });
    expect(await resolve({ origin: "api", apiKeyId: key.id })).toEqual(["named", "api_key"]);
    await assignPolicy({ ctx, input: { apiKeyId: key.id, policyId: null } });
    expect(await resolve({ origin: "api", apiKeyId: key.id })).toEqual(["api-origin", "origin"]);

    // The case stores the policy that applied, and its audit row says which rule chose it.
    const bytes = await makeJpeg({ width: 64, height: 64, seed: 881 });
    const viaKey = await submitImage({ ctx: { db: t.db, actor: key }, input: { bytes, filename: "k.jpg", source: "api" } });
    expect(viaKey.case.policyId).toBe(byOrigin.id);
    await assignPolicy({ ctx, input: { origin: "quick_check", policyId: byKey.id } });
    const quick = await submitImage({ ctx: { db: t.db, actor: editor }, input: { bytes, filename: "q.jpg", source: "upload", origin: "quick_check" } });
    const upload = await submitImage({ ctx: { db: t.db, actor: editor }, input: { bytes, filename: "u.jpg", source: "upload" } });
    expect(quick.case.policyId).toBe(byKey.id);
    expect(upload.case.policyId).toBe(def!.id);
    const [created] = await t.db.select().from(auditEvents).where(eq(auditEvents.caseId, quick.case.id));
    expect(created!.data).toMatchObject({ policy: "partner-key", policyRule: "origin" });
    const [row] = await t.db.select().from(cases).where(eq(cases.id, upload.case.id));
    expect(row!.policyId).toBe(def!.id);
  });

  it("validates, authorizes and audits rules", async () => {
    const ctx = { db: t.db, actor: system };
    const moderator = await insertTestUser(t.db, "moderator");
    const [def] = await t.db.select().from(policies).where(eq(policies.isDefault, true));
    await expect(assignPolicy({ ctx: { db: t.db, actor: moderator }, input: { origin: "upload", policyId: def!.id } })).rejects.toMatchObject({ code: "forbidden" });
    await expect(assignPolicy({ ctx, input: { policyId: def!.id } })).rejects.toThrow(/either an origin or an API key/);
    await expect(assignPolicy({ ctx, input: { origin: "upload", apiKeyId: "key_x", policyId: def!.id } })).rejects.toThrow(/either an origin or an API key/);
    await expect(assignPolicy({ ctx, input: { origin: "upload", policyId: "pol_missing" } })).rejects.toMatchObject({ code: "not_found", param: "policyId" });
    await expect(assignPolicy({ ctx, input: { apiKeyId: "key_missing", policyId: def!.id } })).rejects.toMatchObject({ code: "not_found", param: "apiKeyId" });
    await assignPolicy({ ctx, input: { origin: "upload", policyId: def!.id } });
    const audits = await t.db.select().from(auditEvents).where(eq(auditEvents.action, "policy.assign"));
    expect(audits.some((a) => a.targetId === "upload" && a.targetType === "upload_origin")).toBe(true);
  });
});
