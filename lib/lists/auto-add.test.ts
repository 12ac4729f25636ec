// Lists that fill themselves from review (lib/lists/auto-add.ts), on PGlite and PostgreSQL: a decision
// adds the case's image to the lists of its outcome (and only those), a recompressed copy scanned later
// is then decided by the list, an undo or an amendment takes the entry away again (an amendment adds it
// to the other outcome's list), an entry made by hand is never taken away, and who may set it up.
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { auditEvents, cases, imageListEntries } from "../../db/schema";
import type { Actor } from "../context";
import { amendDecision } from "../cases/amend-decision";
import { decideCase } from "../cases/decide-case";
import { deleteCase } from "../cases/delete-case";
import { submitImage } from "../cases/submit-image";
import { undoDecision } from "../cases/undo-decision";
import { makeJpeg } from "../detection/testing";
import { normaliseError } from "../errors";
import { appErrorOf } from "../testing/app-error";
import { useSharedTestDb } from "../testing/shared-test-db";
import { insertTestUser, TEST_DB_KINDS } from "../testing/test-db";
import { startWorker } from "../worker/worker";
import { addCaseToList, createList, updateList } from "./manage-lists";
import { listImageLists } from "./queries";

describe.each(TEST_DB_KINDS)("lists that add images by decision on %s", (kind) => {
  const shared = useSharedTestDb(kind, "admin");
  const db = () => shared.t().db;
  const admin = () => shared.actor();
  const seedBase = kind === "pglite" ? 8100 : 8600;
  let n = 0;
  const jpeg = (seed: number, quality = 90) => makeJpeg({ width: 192, height: 160, seed: seedBase + seed, quality });
  const submit = async (bytes: Buffer) => (await submitImage({ ctx: { db: db(), actor: admin() }, input: { bytes, filename: `auto-${++n}.jpg`, source: "upload" } })).case.id;
  const drain = async () => {
    const worker = startWorker({ db: db(), concurrency: 1, leaseSeconds: 60, maxAttempts: 2, pollMs: 50, log: () => {} });
    await worker.drain();
    await worker.stop();
  };
  const entriesOf = async (listId: string) => db().select().from(imageListEntries).where(eq(imageListEntries.listId, listId));
  const caseRow = async (id: string) => (await db().select().from(cases).where(eq(cases.id, id)))[0]!;
  let moderator: Actor;

  async function setUp() {
    moderator ??= await insertTestUser(db(), "moderator");
    const ctx = { db: db(), actor: admin() };
    const ai = await createList({ ctx, input: { name: `Confirmed AI ${kind} ${++n}`, action: "quarantine", autoAddOutcome: "confirmed_ai" } });
    const ok = await createList({ ctx, input: { name: `Authentic ${kind} ${++n}`, action: "clear", autoAddOutcome: "authentic" } });
    const manual = await createList({ ctx, input: { name: `By hand ${kind} ${++n}`, action: "quarantine" } });
    return { ai, ok, manual };
  }

  it("adds a confirmed image to the list of that outcome, whose match then quarantines a recompressed copy", async () => {
    const { ai, ok, manual } = await setUp();
    expect(ai.autoAddOutcome).toBe("confirmed_ai");
    expect(manual.autoAddOutcome).toBeNull();
    const original = await submit(await jpeg(1));
    await drain();
    const { decision } = await decideCase({ ctx: { db: db(), actor: moderator }, input: { caseId: original, outcome: "confirmed_ai", note: "campaign" } });

    const [entry, ...more] = await entriesOf(ai.id);
    expect(more).toEqual([]);
    expect(entry).toMatchObject({ caseId: original, decisionId: decision.id, addedBy: (moderator as { id: string }).id, note: `Decided confirmed AI in ${original}.`, phashInformative: true });
    expect(await entriesOf(ok.id)).toEqual([]);
    expect(await entriesOf(manual.id)).toEqual([]);
    const audit = await db().select().from(auditEvents).where(and(eq(auditEvents.action, "list.entries_add"), eq(auditEvents.targetId, ai.id)));
    expect(audit.map((a) => a.data)).toEqual([expect.objectContaining({ via: "decision", decisionId: decision.id, outcome: "confirmed_ai" })]);

    // The same picture recompressed, uploaded later: the list decides it.
    const copy = await submit(await jpeg(1, 55));
    await drain();
    expect((await caseRow(copy)).state).toBe("quarantined");
  });

  it("takes the entry away on undo, and moves it to the other list on an amendment", async () => {
    const { ai, ok } = await setUp();
    const id = await submit(await jpeg(2));
    await drain();
    const mod = { db: db(), actor: moderator };
    const first = await decideCase({ ctx: mod, input: { caseId: id, outcome: "confirmed_ai" } });
    expect(await entriesOf(ai.id)).toHaveLength(1);
    await undoDecision({ ctx: mod, input: { decisionId: first.decision.id } });
    expect(await entriesOf(ai.id)).toEqual([]);
    const removed = await db().select().from(auditEvents).where(and(eq(auditEvents.action, "list.entry_remove"), eq(auditEvents.targetId, ai.id)));
    expect(removed.map((a) => a.data)).toEqual([expect.objectContaining({ via: "decision", decisionId: first.decision.id })]);

    const second = await decideCase({ ctx: mod, input: { caseId: id, outcome: "confirmed_ai" } });
    expect((await entriesOf(ai.id)).map((e) => e.decisionId)).toEqual([second.decision.id]);
    const amended = await amendDecision({ ctx: mod, input: { caseId: id, outcome: "authentic", note: "the photographer sent the raw file" } });
    expect(await entriesOf(ai.id)).toEqual([]);
    expect((await entriesOf(ok.id)).map((e) => e.decisionId)).toEqual([amended.decision.id]);
    // Undoing the amendment puts the earlier decision back in force, and its list with it.
    await undoDecision({ ctx: mod, input: { decisionId: amended.decision.id } });
    expect(await entriesOf(ok.id)).toEqual([]);
    expect((await entriesOf(ai.id)).map((e) => e.decisionId)).toEqual([second.decision.id]);
  });

  it("never takes away an entry made by hand, nor adds the same file twice", async () => {
    const { ai } = await setUp();
    const id = await submit(await jpeg(3));
    await drain();
    await addCaseToList({ ctx: { db: db(), actor: moderator }, input: { caseId: id, listId: ai.id, note: "known before review" } });
    const { decision } = await decideCase({ ctx: { db: db(), actor: moderator }, input: { caseId: id, outcome: "confirmed_ai" } });
    const [entry, ...more] = await entriesOf(ai.id);
    expect(more).toEqual([]);
    expect(entry).toMatchObject({ note: "known before review", decisionId: null });
    await undoDecision({ ctx: { db: db(), actor: moderator }, input: { decisionId: decision.id } });
    expect(await entriesOf(ai.id)).toHaveLength(1);
  });

  it("is set by admins only, audited, and turning it off keeps what decisions added", async () => {
    const { ai, manual } = await setUp();
    const id = await submit(await jpeg(4));
    await drain();
    await decideCase({ ctx: { db: db(), actor: moderator }, input: { caseId: id, outcome: "confirmed_ai" } });
    expect((await appErrorOf(updateList({ ctx: { db: db(), actor: moderator }, input: { listId: ai.id, autoAddOutcome: "" } }))).code).toBe("forbidden");
    const bad = normaliseError(await updateList({ ctx: { db: db(), actor: admin() }, input: { listId: ai.id, autoAddOutcome: "needs_more_info" as never } }).catch((e: unknown) => e));
    expect([bad.code, bad.message]).toEqual(["invalid_request", expect.stringMatching(/when decided confirmed_ai or authentic, or never/)]);
    expect((await appErrorOf(updateList({ ctx: { db: db(), actor: admin() }, input: { listId: "lst_missing", autoAddOutcome: "" } }))).code).toBe("not_found");
    const off = await updateList({ ctx: { db: db(), actor: admin() }, input: { listId: ai.id, autoAddOutcome: "" } });
    expect(off.autoAddOutcome).toBeNull();
    expect(await entriesOf(ai.id)).toHaveLength(1);
    const on = await updateList({ ctx: { db: db(), actor: admin() }, input: { listId: manual.id, autoAddOutcome: "confirmed_ai" } });
    expect(on.autoAddOutcome).toBe("confirmed_ai");
    const audit = await db().select().from(auditEvents).where(and(eq(auditEvents.action, "list.update"), eq(auditEvents.targetId, ai.id)));
    expect(audit.map((a) => a.data)).toEqual([{ name: ai.name, autoAddOutcome: { from: "confirmed_ai", to: null } }]);
    // Nothing changed, nothing audited; the description too.
    await updateList({ ctx: { db: db(), actor: admin() }, input: { listId: ai.id, autoAddOutcome: null } });
    const described = await updateList({ ctx: { db: db(), actor: admin() }, input: { listId: ai.id, description: "  from review  " } });
    expect(described).toMatchObject({ description: "from review", autoAddOutcome: null });
    const audits = await db().select().from(auditEvents).where(and(eq(auditEvents.action, "list.update"), eq(auditEvents.targetId, ai.id)));
    expect(audits.map((a) => a.data)).toEqual(expect.arrayContaining([{ name: ai.name, description: { from: "", to: "from review" } }]));
    expect(audits).toHaveLength(2);
    expect((await listImageLists(db())).find((l) => l.id === manual.id)?.autoAddOutcome).toBe("confirmed_ai");
  });

  it("catches up with the decisions already in force when asked to, and only then", async () => {
    const mod = { db: db(), actor: moderator ?? (moderator = await insertTestUser(db(), "moderator")) };
    const ctx = { db: db(), actor: admin() };
    const shared = await jpeg(10);
    const [kept, undone, authentic, amended, twin, deleted, byHand] = [await submit(shared), await submit(await jpeg(11)), await submit(await jpeg(12)), await submit(await jpeg(13)), await submit(shared), await submit(await jpeg(14)), await submit(await jpeg(15))];
    await drain();
    const decide = (caseId: string, outcome: "confirmed_ai" | "authentic") => decideCase({ ctx: mod, input: { caseId, outcome } });
    const keptDecision = (await decide(kept, "confirmed_ai")).decision;
    await undoDecision({ ctx: mod, input: { decisionId: (await decide(undone, "confirmed_ai")).decision.id } });
    await decide(authentic, "authentic");
    await decide(amended, "confirmed_ai");
    await amendDecision({ ctx: mod, input: { caseId: amended, outcome: "authentic", note: "raw file" } });
    await decide(twin, "confirmed_ai");
    await decide(deleted, "confirmed_ai");
    await deleteCase({ ctx, input: { caseId: deleted } });
    await decide(byHand, "confirmed_ai");

    // Turned on without catching up, the list stays empty; a list without an outcome cannot catch up.
    const list = await createList({ ctx, input: { name: `Catch up ${kind}`, action: "quarantine" } });
    await addCaseToList({ ctx: mod, input: { caseId: byHand, listId: list.id, note: "known before" } });
    expect((await appErrorOf(updateList({ ctx, input: { listId: list.id, backfill: true } }))).param).toBe("backfill");
    expect((await updateList({ ctx, input: { listId: list.id, autoAddOutcome: "confirmed_ai" } })).backfilled).toBe(0);
    expect(await entriesOf(list.id)).toHaveLength(1);

    const caught = await updateList({ ctx, input: { listId: list.id, backfill: true } });
    const mine = new Set([kept, undone, authentic, amended, twin, deleted, byHand]);
    const entries = (await entriesOf(list.id)).filter((e) => e.caseId && mine.has(e.caseId));
    expect(entries.map((e) => [e.caseId, e.decisionId, e.note]).sort()).toEqual(
      [
        [byHand, null, "known before"],
        [kept, keptDecision.id, `Decided confirmed AI in ${kept}.`],
      ].sort(),
    );
    // Every other case decided Confirmed AI in this database came in too, one entry per image.
    expect(caught.backfilled).toBe((await entriesOf(list.id)).length - 1);
    const audit = await db().select().from(auditEvents).where(and(eq(auditEvents.action, "list.entries_add"), eq(auditEvents.targetId, list.id)));
    expect(audit.map((a) => a.data).filter((d) => (d as { via: string }).via === "backfill")).toEqual([{ name: list.name, via: "backfill", outcome: "confirmed_ai", count: caught.backfilled }]);
    // Caught up again: nothing more. An entry it added goes when its decision is undone.
    expect((await updateList({ ctx, input: { listId: list.id, backfill: true } })).backfilled).toBe(0);
    await undoDecision({ ctx: mod, input: { decisionId: keptDecision.id } });
    expect((await entriesOf(list.id)).some((e) => e.caseId === kept)).toBe(false);

    // A new list can catch up as it is made.
    const made = await createList({ ctx, input: { name: `Made caught up ${kind}`, action: "clear", autoAddOutcome: "authentic", backfill: true } });
    const authenticEntries = (await entriesOf(made.id)).filter((e) => e.caseId && mine.has(e.caseId)).map((e) => e.caseId);
    expect(authenticEntries.sort()).toEqual([authentic, amended].sort());
    expect(made.backfilled).toBe((await entriesOf(made.id)).length);
  });
});
