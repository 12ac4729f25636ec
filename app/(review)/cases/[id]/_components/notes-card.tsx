"use client";

import { useActionState, useEffect, useRef } from "react";
import { MAX_CASE_NOTE_LENGTH } from "@/lib/limits";
import { addCaseNoteAction } from "../note-actions";

export interface NoteItem {
  id: string;
  body: string;
  author: string | null;
  viaApiKey: boolean;
  /** Already formatted on the server, so server and browser render the same text. */
  at: string;
}

/** Notes on the case, oldest first, and a box to add one (lib/cases/case-notes.ts). */
export function NotesCard({ caseId, notes, canWrite }: { caseId: string; notes: NoteItem[]; canWrite: boolean }) {
  const [state, action, pending] = useActionState(addCaseNoteAction, undefined);
  const form = useRef<HTMLFormElement>(null);
  useEffect(() => {
    if (state?.ok) form.current?.reset();
  }, [state]);
  return (
    <section id="notes" className="scroll-mt-3 rounded-xl border border-slate-200 bg-white p-4 text-sm shadow-sm" data-testid="notes-card" aria-labelledby="notes-heading">
      <h2 id="notes-heading" className="mb-2 font-semibold">
        Notes {notes.length > 0 && <span className="font-normal text-slate-600">({notes.length})</span>}
      </h2>
      {notes.length > 0 ? (
        <ol className="mb-3 space-y-2">
          {notes.map((n) => (
            <li key={n.id} data-testid="case-note">
              <p className="whitespace-pre-wrap break-words text-slate-900">{n.body}</p>
              <p className="text-xs text-slate-600">
                {n.author ?? "system"}
                {n.viaApiKey ? " (API key)" : ""} · {n.at}
              </p>
            </li>
          ))}
        </ol>
      ) : (
        <p className="mb-3 text-slate-600">No notes yet.</p>
      )}
      {canWrite && (
        <form ref={form} action={action} className="space-y-2">
          <input type="hidden" name="caseId" value={caseId} />
          <label htmlFor="case-note-body" className="sr-only">
            Note for the next person
          </label>
          <textarea
            id="case-note-body"
            name="body"
            required
            rows={2}
            maxLength={MAX_CASE_NOTE_LENGTH}
            placeholder="What the next person should know (kept on record, not editable)"
            className="w-full rounded border border-slate-500 px-2 py-1.5"
          />
          <div className="flex items-center gap-3">
            <button disabled={pending} className="rounded border border-slate-500 px-3 py-1.5 hover:bg-slate-100 disabled:opacity-50">
              {pending ? "Adding…" : "Add note"}
            </button>
            {state && !state.ok && (
              <p role="alert" className="text-red-700">
                {state.error.message}
              </p>
            )}
          </div>
        </form>
      )}
    </section>
  );
}
