// Notes on a case: what one person wants the next to know, before or after a decision ("the
// photographer sent the raw file", "same campaign as case_…"). Everyone who reads the queue may write
// one (the `noteCases` permission; an API key needs `cases:write`). A note is a record: never edited,
// never deleted; it is audited (`case.note_added`) and announced on the case's live stream in the
// same statement, so every open copy of the case page shows it at once, and the webhooks of the key
// that submitted the case hear of it (`case.note_added`, from the outbox in the same transaction).
import { and, asc, eq, isNull } from "drizzle-orm";
import { z } from "zod";
import type { DbOrTx } from "../../db";
import { caseNotes, cases, users, type CaseNote } from "../../db/schema";
import { actorUserId, authorize, type Ctx } from "../context";
import { AppError } from "../errors";
import { newId } from "../ids";
import { MAX_CASE_NOTE_LENGTH } from "../limits";
import { publishCaseEvent } from "../live/publish-case-event";
import { emitNoteAdded } from "../webhooks/events";
import { caseNoteDto } from "../api/dto";
import { text } from "../validation";

export const addCaseNoteInput = z.object({
  caseId: z.string().min(1).max(200),
  body: text(MAX_CASE_NOTE_LENGTH)
    .transform((v) => v.trim())
    .pipe(z.string().min(1, "Write the note first.")),
});

export interface CaseNoteView {
  note: CaseNote;
  /** The author's email; null for the operator's system actor. */
  author: string | null;
}

export async function addCaseNote({ ctx, input }: { ctx: Ctx; input: z.input<typeof addCaseNoteInput> }): Promise<CaseNoteView> {
  authorize(ctx.actor, "noteCases");
  const data = addCaseNoteInput.parse(input);
  return ctx.db.transaction(async (tx) => {
    // Shared: the case may not be deleted meanwhile, and its state events stay in order.
    const [c] = await tx.select().from(cases).where(and(eq(cases.id, data.caseId), isNull(cases.deletedAt))).for("share");
    if (!c) throw new AppError("not_found", "Case not found.", { param: "caseId" });
    const [note] = await tx
      .insert(caseNotes)
      .values({ id: newId("caseNote"), caseId: c.id, authorId: actorUserId(ctx.actor), apiKeyId: ctx.actor.type === "api_key" ? ctx.actor.id : null, body: data.body })
      .returning();
    await publishCaseEvent(tx, c, { actor: ctx.actor, input: { action: "case.note_added", caseId: c.id, data: { noteId: note!.id, body: data.body } } });
    const [author] = note!.authorId ? await tx.select({ email: users.email }).from(users).where(eq(users.id, note!.authorId)) : [];
    const view = { note: note!, author: author?.email ?? null };
    await emitNoteAdded(tx, c, caseNoteDto(view));
    return view;
  });
}

/** A case's notes, oldest first, with their authors' emails. */
export async function caseNotesOf(db: DbOrTx, caseId: string): Promise<CaseNoteView[]> {
  return db
    .select({ note: caseNotes, author: users.email })
    .from(caseNotes)
    .leftJoin(users, eq(users.id, caseNotes.authorId))
    .where(eq(caseNotes.caseId, caseId))
    .orderBy(asc(caseNotes.createdAt), asc(caseNotes.id));
}
