"use client";

import { useActionState, useEffect, useRef, useState, useTransition } from "react";
import { useRouter } from "next/navigation";
import { ActionButton } from "@/components/action-button";
import type { ActionResult, ServerAction } from "@/lib/actions";
import { MAX_BYTES_LABEL, MAX_FILES_PER_BATCH, MAX_UPLOAD_BYTES } from "@/lib/limits";
import { groupBySize } from "./group-by-size";
import { addFilesAction, addHashesAction, createListAction, deleteListAction, removeEntryAction, setAutoAddAction } from "../actions";

const field = "rounded border border-slate-500 px-2 py-1.5";
const button = "rounded bg-slate-900 px-3 py-1.5 text-sm font-medium text-white disabled:opacity-50";

function Result({ state, ok }: { state: { ok: true; data: unknown } | { ok: false; error: { message: string } } | undefined; ok: (data: never) => string }) {
  if (!state) return null;
  return (
    <p role={state.ok ? "status" : "alert"} className={`text-sm ${state.ok ? "text-emerald-700" : "text-red-700"}`} data-testid="list-form-result">
      {state.ok ? ok(state.data as never) : state.error.message}
    </p>
  );
}

/** useActionState, and a ref for the form, which is emptied after each success. */
function useResettingAction<T>(run: ServerAction<never, T>) {
  const [state, action, pending] = useActionState(run as (prev: ActionResult<T> | undefined, form: FormData) => Promise<ActionResult<T>>, undefined);
  const form = useRef<HTMLFormElement>(null);
  useEffect(() => {
    if (state?.ok) form.current?.reset();
  }, [state]);
  return [state, action, pending, form] as const;
}

export function NewListForm() {
  const [state, action, pending, form] = useResettingAction(createListAction);
  return (
    <form ref={form} action={action} className="space-y-2 text-sm" data-testid="new-list-form">
      <div className="flex flex-wrap items-end gap-3">
        <label className="flex flex-col gap-1">
          Name
          <input name="name" required maxLength={100} className={`${field} w-64`} placeholder="Known AI: campaign 7" />
        </label>
        <label className="flex flex-col gap-1">
          A match
          <select name="action" defaultValue="quarantine" className={field}>
            <option value="quarantine">quarantines the case</option>
            <option value="clear">clears the case</option>
          </select>
        </label>
        <label className="flex min-w-64 flex-1 flex-col gap-1">
          Description
          <input name="description" maxLength={500} className={field} placeholder="Where these images come from, who keeps the list" />
        </label>
        <label className="flex flex-col gap-1">
          Adds by itself
          <AutoAddSelect defaultValue="" />
        </label>
        <BackfillCheckbox />
        <button disabled={pending} className={button}>
          {pending ? "Creating…" : "Create list"}
        </button>
      </div>
      <Result state={state} ok={(d: { name: string; backfilled: number | null }) => `List “${d.name}” created${d.backfilled ? ` with ${imagesText(d.backfilled)} of cases already decided so` : d.backfilled === 0 ? "; no case is decided so yet" : ""}.`} />
    </form>
  );
}

const imagesText = (n: number) => `${n} ${n === 1 ? "image" : "images"}`;

/** Also add the images of the cases already decided with the chosen outcome (lib/lists/auto-add.ts). */
function BackfillCheckbox() {
  return (
    <label className="flex items-center gap-1 self-center">
      <input type="checkbox" name="backfill" /> and cases already decided so
    </label>
  );
}

const AUTO_ADD_CHOICES = [
  ["", "nothing (entries by hand)"],
  ["confirmed_ai", "images decided Confirmed AI"],
  ["authentic", "images decided Authentic"],
] as const;

function AutoAddSelect({ defaultValue }: { defaultValue: string }) {
  return (
    <select name="autoAddOutcome" defaultValue={defaultValue} className={field}>
      {AUTO_ADD_CHOICES.map(([v, label]) => (
        <option key={v} value={v}>
          {label}
        </option>
      ))}
    </select>
  );
}

/**
 * A list's automatic additions: the image of every case a moderator decides with this outcome joins
 * the list, and leaves it if that decision is undone or amended.
 */
export function AutoAddForm({ listId, listName, current }: { listId: string; listName: string; current: "confirmed_ai" | "authentic" | null }) {
  const [state, action, pending] = useActionState(setAutoAddAction, undefined);
  return (
    <form action={action} className="flex flex-wrap items-end gap-3 text-sm" data-testid="auto-add-form">
      <input type="hidden" name="listId" value={listId} />
      <label className="flex flex-col gap-1">
        Adds by itself
        <AutoAddSelect defaultValue={current ?? ""} />
      </label>
      <BackfillCheckbox />
      <button disabled={pending} className="rounded border border-slate-500 px-3 py-1.5 hover:bg-slate-100 disabled:opacity-50" aria-label={`Save what ${listName} adds by itself`}>
        {pending ? "Saving…" : "Save"}
      </button>
      <Result
        state={state}
        ok={(d: { autoAddOutcome: string | null; backfilled: number | null }) =>
          d.autoAddOutcome
            ? `From now on, images decided ${d.autoAddOutcome === "confirmed_ai" ? "Confirmed AI" : "Authentic"} join “${listName}”.${d.backfilled !== null ? ` ${d.backfilled ? `Added ${imagesText(d.backfilled)}` : "No image was added"} of cases already decided so.` : ""}`
            : `“${listName}” no longer adds images by itself; the entries decisions added stay.`
        }
      />
    </form>
  );
}

/** The entry forms' last row: the note every added entry gets, and the submit button. */
function NoteAndSubmit({ noteLabel, pending, label, pendingLabel }: { noteLabel: string; pending: boolean; label: string; pendingLabel: string }) {
  return (
    <div className="flex flex-wrap items-end gap-3">
      <label className="flex min-w-48 flex-1 flex-col gap-1">
        Note
        <input name="note" maxLength={500} className={field} aria-label={noteLabel} />
      </label>
      <button disabled={pending} className={button}>
        {pending ? pendingLabel : label}
      </button>
    </div>
  );
}

interface FilesOutcome {
  added: number;
  alreadyListed: number;
  refused: { name: string; message: string }[];
}

/**
 * Image files, sent in groups of at most MAX_REQUEST_BYTES (a server action's body limit), one after
 * another, so that 100 photos of several MB each go in one pick; the outcome adds up the groups.
 */
export function AddFilesForm({ listId, listName }: { listId: string; listName: string }) {
  const [pending, start] = useTransition();
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const router = useRouter();
  const form = useRef<HTMLFormElement>(null);
  const submit = (e: React.FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const data = new FormData(e.currentTarget);
    const files = (data.getAll("files") as File[]).filter((f) => f.size > 0 || f.name !== "");
    const note = String(data.get("note") ?? "");
    if (files.length === 0) return setMessage({ ok: false, text: "Choose image files to add." });
    if (files.length > MAX_FILES_PER_BATCH) return setMessage({ ok: false, text: `Add at most ${MAX_FILES_PER_BATCH} images at a time; ${files.length} were chosen.` });
    // A file over the upload limit would overflow the action's body: refused here, as an upload is.
    const tooLarge = files.filter((f) => f.size > MAX_UPLOAD_BYTES).map((f) => ({ name: f.name, message: `The file is larger than ${MAX_BYTES_LABEL}` }));
    const groups = groupBySize(files.filter((f) => f.size <= MAX_UPLOAD_BYTES), MAX_UPLOAD_BYTES);
    start(async () => {
      const total: FilesOutcome = { added: 0, alreadyListed: 0, refused: tooLarge };
      for (const group of groups) {
        const body = new FormData();
        body.append("listId", listId);
        body.append("note", note);
        for (const f of group) body.append("files", f);
        const res = await addFilesAction(undefined, body).catch(() => ({ ok: false as const, error: { message: "The server could not be reached; try again." } }));
        if (!res.ok) {
          setMessage({ ok: false, text: total.added ? `${total.added} added, then: ${res.error.message}` : res.error.message });
          router.refresh();
          return;
        }
        total.added += res.data.added;
        total.alreadyListed += res.data.alreadyListed;
        total.refused.push(...res.data.refused);
      }
      const parts = [
        `${total.added} added`,
        total.alreadyListed ? `${total.alreadyListed} already on the list` : "",
        ...total.refused.map((r) => `${r.name} refused: ${r.message.replace(/\.$/, "")}`),
      ];
      setMessage({ ok: true, text: `${parts.filter(Boolean).join("; ")}.` });
      form.current?.reset();
      router.refresh();
    });
  };
  return (
    <form ref={form} onSubmit={submit} className="space-y-2 text-sm" data-testid="add-files-form">
      <label className="flex flex-col gap-1">
        Image files (up to {MAX_FILES_PER_BATCH}; only their hashes are kept)
        <input type="file" name="files" multiple accept="image/*" aria-label={`Image files for ${listName}`} className="text-sm" />
      </label>
      <NoteAndSubmit noteLabel={`Note for the files added to ${listName}`} pending={pending} label="Add files" pendingLabel="Adding…" />
      {message && (
        <p role={message.ok ? "status" : "alert"} className={`text-sm ${message.ok ? "text-emerald-700" : "text-red-700"}`} data-testid="list-form-result">
          {message.text}
        </p>
      )}
    </form>
  );
}

export function AddHashesForm({ listId, listName }: { listId: string; listName: string }) {
  const [state, action, pending, form] = useResettingAction(addHashesAction);
  return (
    <form ref={form} action={action} className="space-y-2 text-sm" data-testid="add-hashes-form">
      <input type="hidden" name="listId" value={listId} />
      <label className="flex flex-col gap-1">
        SHA-256 hashes, one per line, bare or as sha256sum writes them (a list's download; such entries match the same file only)
        <textarea name="hashes" rows={3} className={`${field} font-mono text-xs`} aria-label={`SHA-256 hashes for ${listName}`} />
      </label>
      <NoteAndSubmit noteLabel={`Note for the hashes added to ${listName}`} pending={pending} label="Import hashes" pendingLabel="Importing…" />
      <Result state={state} ok={(d: { added: number; alreadyListed: number }) => `${d.added} added${d.alreadyListed ? `, ${d.alreadyListed} already on the list` : ""}.`} />
    </form>
  );
}

/** Delete a list and its entries, after a confirmation that says how many. */
export function DeleteListButton({ listId, name, entries }: { listId: string; name: string; entries: number }) {
  const [asking, setAsking] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [pending, start] = useTransition();
  const router = useRouter();
  if (!asking) {
    return (
      <button type="button" onClick={() => setAsking(true)} className="rounded border border-slate-500 px-3 py-1 text-sm hover:bg-slate-100">
        Delete list
      </button>
    );
  }
  return (
    <div role="alertdialog" aria-label="Confirm" className="flex flex-wrap items-center gap-2 rounded border border-amber-400 bg-amber-50 p-2 text-xs text-amber-950">
      Delete “{name}” and its {entries} {entries === 1 ? "entry" : "entries"}? Scans from now on no longer match it; earlier cases keep their outcome.
      <button
        type="button"
        autoFocus
        disabled={pending}
        className="rounded bg-slate-900 px-2 py-1 font-medium text-white disabled:opacity-50"
        onClick={() =>
          start(async () => {
            const res = await deleteListAction({ listId });
            if (res.ok) router.refresh();
            else setError(res.error.message);
          })
        }
      >
        Confirm
      </button>
      <button type="button" onClick={() => setAsking(false)} className="rounded border border-slate-500 px-2 py-1">
        Cancel
      </button>
      {error && <span role="alert" className="text-red-700">{error}</span>}
    </div>
  );
}

export function RemoveEntryButton({ entryId }: { entryId: string }) {
  return <ActionButton run={() => removeEntryAction({ entryId })} label="Remove" pendingLabel="Removing…" className="rounded border border-slate-400 px-2 py-0.5 text-xs hover:bg-slate-100 disabled:opacity-50" />;
}
