// Notes on a case: every reader of the queue may write one; they are kept in order with their
// authors, trimmed and checked, audited with their text, announced on the case's live stream, and
// carried by the case's API answer and its evidence report; a deleted case takes none.
import { and, count, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { auditEvents, caseEvents } from "../../db/schema";
import { caseDetailDto } from "../api/dto";
import type { Actor } from "../context";
import { normaliseError } from "../errors";
import { MAX_CASE_NOTE_LENGTH } from "../limits";
import { appErrorOf } from "../testing/app-error";
import { useSharedTestDb } from "../testing/shared-test-db";
import { insertTestUser, TEST_DB_KINDS } from "../testing/test-db";
import { insertTestApiKey } from "../testing/webhook-fixtures";
import { addCaseNote } from "./case-notes";
import { caseReport } from "./case-report";
import { deleteCase } from "./delete-case";
import { getCaseDetail } from "./queries";
import { queueParamsSchema } from "./queue-params";
import { listQueue } from "./queue-queries";
import { seedCase } from "./review-testing";

describe.each(TEST_DB_KINDS)("case notes on %s", (kind) => {
  const shared = useSharedTestDb(kind, "editor");
  const db = () => shared.t().db;
  const note = (actor: Actor, caseId: string, body: string) => addCaseNote({ ctx: { db: db(), actor }, input: { caseId, body } });
  const events = async (caseId: string) => Number((await db().select({ n: count() }).from(caseEvents).where(eq(caseEvents.caseId, caseId)))[0]!.n);

  it("keeps every reader's notes in order with their authors, audited and announced", async () => {
    const editor = shared.actor() as Extract<Actor, { type: "user" }>;
    const moderator = (await insertTestUser(db(), "moderator")) as Extract<Actor, { type: "user" }>;
    const key = await insertTestApiKey(db(), editor, "notes");
    const caseId = await seedCase(db(), { state: "quarantined", score: 80 });
    const before = await events(caseId);

    const first = await note(editor, caseId, "  The photographer sent the raw file.\nIt matches.  ");
    expect(first).toMatchObject({ author: editor.email, note: { caseId, body: "The photographer sent the raw file.\nIt matches.", apiKeyId: null } });
    expect(first.note.id).toMatch(/^note_/);
    await note(moderator, caseId, "Same campaign as last week's.");
    await note({ type: "system" }, caseId, "Imported from the old console.");
    await note(key, caseId, "From the upload pipeline.");

    const detail = (await getCaseDetail(db(), caseId))!;
    expect(detail.notes.map((n) => [n.note.body.split("\n")[0], n.author, n.note.apiKeyId])).toEqual([
      ["The photographer sent the raw file.", editor.email, null],
      ["Same campaign as last week's.", moderator.email, null],
      ["Imported from the old console.", null, null],
      ["From the upload pipeline.", editor.email, key.id],
    ]);
    const dto = caseDetailDto(detail);
    expect(dto.notes[3]).toEqual({ id: expect.stringMatching(/^note_/), body: "From the upload pipeline.", author: editor.email, via_api_key: true, created_at: expect.any(String) });
    expect(caseReport(detail).notes).toEqual(dto.notes);
    // The queue's row (and My submissions) counts them.
    const [row] = (await listQueue(db(), queueParamsSchema.parse({ q: caseId }))).items;
    expect(row).toMatchObject({ id: caseId, notes: 4 });

    // Each note is one audit row with its text and one event on the case's stream (open pages refresh).
    const audits = await db().select().from(auditEvents).where(and(eq(auditEvents.caseId, caseId), eq(auditEvents.action, "case.note_added")));
    expect(audits).toHaveLength(4);
    expect(audits.find((a) => a.actorType === "api_key")?.data).toEqual({ noteId: dto.notes[3]!.id, body: "From the upload pipeline." });
    expect(await events(caseId)).toBe(before + 4);
  });

  it("refuses an empty, overlong or control-character note, and a note on a deleted or unknown case", async () => {
    const editor = shared.actor();
    const caseId = await seedCase(db(), { state: "cleared", score: 10 });
    for (const body of ["", "   \n ", "x".repeat(MAX_CASE_NOTE_LENGTH + 1), "nul\u0000here"]) {
      const refused = normaliseError(await note(editor, caseId, body).catch((e: unknown) => e));
      expect([refused.code, refused.param]).toEqual(["invalid_request", "body"]);
    }
    expect((await note(editor, caseId, "x".repeat(MAX_CASE_NOTE_LENGTH))).note.body).toHaveLength(MAX_CASE_NOTE_LENGTH);
    expect((await appErrorOf(note(editor, "case_missing", "hello"))).code).toBe("not_found");
    await deleteCase({ ctx: { db: db(), actor: { type: "system" } }, input: { caseId } });
    expect((await appErrorOf(note(editor, caseId, "too late"))).code).toBe("not_found");
  });
});
