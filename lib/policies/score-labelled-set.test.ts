import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditEvents } from "../../db/schema";
import { rocCurve } from "../analytics/roc";
import type { Actor } from "../context";
import { makeGeneratorPng, makeJpeg } from "../detection/testing";
import { MAX_LABELLED_SET_BYTES, MAX_LABELLED_SET_FILES } from "../limits";
import { createTestDb, insertTestUser, type TestDb } from "../testing/test-db";
import { scoreLabelledSet } from "./score-labelled-set";

const aiPng = (seed: number) => makeGeneratorPng({ width: 128, height: 128, seed });

describe("scoreLabelledSet", () => {
  let t: TestDb;
  const system: Actor = { type: "system" };
  beforeAll(async () => {
    t = await createTestDb("pglite");
  });
  afterAll(() => t?.cleanup());

  it("scores both folders with the engine, reports refused files, and audits", async () => {
    const ai = [{ name: "a1.png", bytes: await aiPng(1) }, { name: "a2.png", bytes: await aiPng(2) }];
    const real = [
      { name: "r1.jpg", bytes: await makeJpeg({ width: 128, height: 128, seed: 3 }) },
      { name: "notes.txt", bytes: Buffer.from("not an image") },
    ];
    const out = await scoreLabelledSet({ ctx: { db: t.db, actor: system }, input: { ai, real } });
    expect(out.samples).toHaveLength(3);
    expect(out.failed).toEqual([{ name: "notes.txt", label: "real", code: "image_unsupported_format" }]);
    expect(rocCurve(out.samples).auc).toBe(1);
    const [audit] = await t.db.select().from(auditEvents).where(eq(auditEvents.action, "policy.labelled_set_scored"));
    expect(audit!.data).toMatchObject({ ai: 2, real: 2, failed: 1 });
  });

  it("refuses sets without both labels, too many files or too many bytes, and non-admins", async () => {
    const one = { name: "x.jpg", bytes: await makeJpeg({ width: 32, height: 32, seed: 4 }) };
    const ctx = { db: t.db, actor: system };
    await expect(scoreLabelledSet({ ctx, input: { ai: [one], real: [] } })).rejects.toMatchObject({ code: "invalid_request", param: "real" });
    await expect(scoreLabelledSet({ ctx, input: { ai: Array(MAX_LABELLED_SET_FILES).fill(one), real: [one] } })).rejects.toMatchObject({ code: "too_many_files" });
    const big = { name: "big.jpg", bytes: Buffer.alloc(MAX_LABELLED_SET_BYTES) };
    await expect(scoreLabelledSet({ ctx, input: { ai: [big], real: [one] } })).rejects.toMatchObject({ code: "payload_too_large" });
    const moderator = await insertTestUser(t.db, "moderator");
    await expect(scoreLabelledSet({ ctx: { db: t.db, actor: moderator }, input: { ai: [one], real: [one] } })).rejects.toMatchObject({ code: "forbidden" });
  });
});
