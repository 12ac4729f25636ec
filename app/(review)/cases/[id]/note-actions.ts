"use server";

import { revalidatePath } from "next/cache";
import { authedAction } from "@/lib/actions";
import { addCaseNote, addCaseNoteInput } from "@/lib/cases/case-notes";

/** The case page's "Add note". */
export const addCaseNoteAction = authedAction("noteCases", addCaseNoteInput, async (input, ctx) => {
  const { note } = await addCaseNote({ ctx, input });
  revalidatePath(`/cases/${input.caseId}`);
  return { id: note.id };
});
