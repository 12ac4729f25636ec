"use client";

import { useActionState } from "react";
import { addCaseToListAction } from "../list-actions";

export interface CaseListMatch {
  listName: string;
  action: "quarantine" | "clear";
  match: "same_file" | "near_duplicate";
  distance: number;
  decided: boolean;
}

/**
 * The case page's image lists: what the scan matched (and which list decided), the lists that hold
 * this file now, and, for moderators, "Add to list".
 */
export function ImageListsCard({
  caseId,
  matches,
  holding,
  lists,
  autoAdd = [],
  canAdd,
}: {
  caseId: string;
  matches: CaseListMatch[] | null;
  holding: string[];
  lists: { id: string; name: string; action: "quarantine" | "clear" }[];
  /** Lists that a decision with this outcome adds the image to by itself (lib/lists/auto-add.ts). */
  autoAdd?: { name: string; outcome: "confirmed_ai" | "authentic" }[];
  canAdd: boolean;
}) {
  const [state, action, pending] = useActionState(addCaseToListAction, undefined);
  return (
    <section className="rounded-xl border border-slate-200 bg-white p-4 text-sm shadow-sm" data-testid="image-lists-card" aria-labelledby="image-lists-heading">
      <h2 id="image-lists-heading" className="mb-2 font-semibold">
        Image lists
      </h2>
      {matches && matches.length > 0 ? (
        <ul className="mb-2 space-y-1" data-testid="list-matches">
          {matches.map((m) => (
            <li key={m.listName}>
              Matched <strong>{m.listName}</strong> at the scan ({m.match === "same_file" ? "the same file" : `near-duplicate, ${m.distance}/64`}; a match{" "}
              {m.action === "quarantine" ? "quarantines" : "clears"}){m.decided ? " — this decided the case." : "."}
            </li>
          ))}
        </ul>
      ) : (
        <p className="mb-2 text-slate-600">{matches ? "The scan matched no list." : "No scan of this case has looked the image up on the lists yet."}</p>
      )}
      {holding.length > 0 && (
        <p className="mb-2 text-slate-700" data-testid="lists-holding">
          This file is on: {holding.join(", ")}.
        </p>
      )}
      {canAdd && autoAdd.length > 0 && (
        <ul className="mb-2 space-y-1 text-slate-700" data-testid="auto-add-lists">
          {(["confirmed_ai", "authentic"] as const).map((o) => {
            const names = autoAdd.filter((a) => a.outcome === o).map((a) => `“${a.name}”`);
            return names.length ? (
              <li key={o}>
                Recording <strong>{o === "confirmed_ai" ? "Confirm AI-generated" : "Authentic"}</strong> adds this image to {names.join(", ")} (it leaves again if the decision is undone or amended).
              </li>
            ) : null;
          })}
        </ul>
      )}
      {canAdd &&
        (lists.length === 0 ? (
          <p className="text-slate-600">An admin can make lists under Lists.</p>
        ) : (
          <form action={action} className="flex flex-wrap items-end gap-2" data-testid="add-to-list-form">
            <input type="hidden" name="caseId" value={caseId} />
            <label className="flex flex-col gap-1">
              Add this image to
              <select name="listId" className="rounded border border-slate-500 px-2 py-1.5" defaultValue={lists[0]!.id}>
                {lists.map((l) => (
                  <option key={l.id} value={l.id}>
                    {l.name} ({l.action === "quarantine" ? "quarantines" : "clears"})
                  </option>
                ))}
              </select>
            </label>
            <label className="flex min-w-32 flex-1 flex-col gap-1">
              Note
              <input name="note" maxLength={500} className="rounded border border-slate-500 px-2 py-1.5" aria-label="Note for the list entry" />
            </label>
            <button disabled={pending} className="rounded border border-slate-500 px-3 py-1.5 hover:bg-slate-100 disabled:opacity-50">
              {pending ? "Adding…" : "Add to list"}
            </button>
            {state && (
              <p role={state.ok ? "status" : "alert"} className={`w-full ${state.ok ? "text-emerald-700" : "text-red-700"}`} data-testid="add-to-list-result">
                {state.ok
                  ? state.data.added
                    ? `Added to “${state.data.listName}”. Later scans of this image and its near-duplicates match it; rescan this case to apply it here.`
                    : `This file is already on “${state.data.listName}”.`
                  : state.error.message}
              </p>
            )}
          </form>
        ))}
    </section>
  );
}
