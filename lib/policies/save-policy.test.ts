import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { policies } from "../../db/schema";
import type { Actor } from "../context";
import { createTestDb, TEST_DB_KINDS, type TestDb } from "../testing/test-db";
import { savePolicy } from "./save-policy";

const admin: Actor = { type: "system" };
const editor: Actor = { type: "user", id: "usr_x", role: "editor", email: "e@example.test" };

describe.each(TEST_DB_KINDS)("savePolicy on %s", (kind) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb(kind);
  });
  afterAll(() => t?.cleanup());

  it("creates, renames and moves the default; validates and authorizes", async () => {
    const strict = await savePolicy({ ctx: { db: t.db, actor: admin }, input: { name: "newsroom", quarantineThreshold: 30, inconclusiveAction: "quarantine" } });
    expect(strict.isDefault).toBe(false);
    await savePolicy({ ctx: { db: t.db, actor: admin }, input: { id: strict.id, name: "newsroom", quarantineThreshold: 35, inconclusiveAction: "clear", isDefault: true } });
    const defaults = await t.db.select().from(policies).where(eq(policies.isDefault, true));
    expect(defaults.map((p) => [p.name, p.quarantineThreshold, p.inconclusiveAction])).toEqual([["newsroom", 35, "clear"]]);
    await expect(savePolicy({ ctx: { db: t.db, actor: admin }, input: { id: strict.id, name: "newsroom", quarantineThreshold: 35, inconclusiveAction: "clear", isDefault: false } })).rejects.toMatchObject({ code: "invalid_request" });
    await expect(savePolicy({ ctx: { db: t.db, actor: admin }, input: { name: "default", quarantineThreshold: 50, inconclusiveAction: "clear" } })).rejects.toMatchObject({ code: "conflict" });
    await expect(savePolicy({ ctx: { db: t.db, actor: admin }, input: { name: "Bad Name", quarantineThreshold: 50, inconclusiveAction: "clear" } })).rejects.toThrow(/lowercase/);
    // The auto-clear band sits below the quarantine threshold, and both are stored with blur.
    const banded = await savePolicy({ ctx: { db: t.db, actor: admin }, input: { name: "banded", quarantineThreshold: 70, autoClearThreshold: 15, inconclusiveAction: "quarantine", blurImages: true } });
    expect([banded.autoClearThreshold, banded.blurImages]).toEqual([15, true]);
    await expect(savePolicy({ ctx: { db: t.db, actor: admin }, input: { id: banded.id, name: "banded", quarantineThreshold: 70, autoClearThreshold: 70, inconclusiveAction: "quarantine" } })).rejects.toThrow(/below the quarantine threshold/);
    await expect(savePolicy({ ctx: { db: t.db, actor: editor }, input: { name: "x", quarantineThreshold: 50, inconclusiveAction: "clear" } })).rejects.toMatchObject({ code: "forbidden" });
  });
});
