import type { Metadata } from "next";
import Link from "next/link";
import { getDb } from "@/db";
import { requirePageActor } from "@/lib/auth/session";
import { utcMinute } from "@/lib/format-time";
import { listEntries, listImageLists } from "@/lib/lists/queries";
import { AddFilesForm, AddHashesForm, AutoAddForm, DeleteListButton, NewListForm, RemoveEntryButton } from "./_components/list-forms";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Image lists" };

/** Entries shown per list; the count says how many there are in all. */
const SHOWN = 50;

const ACTION_BADGE = {
  quarantine: { text: "A match quarantines", className: "bg-red-50 text-red-800" },
  clear: { text: "A match clears", className: "bg-emerald-50 text-emerald-800" },
} as const;

export default async function ListsPage() {
  await requirePageActor("manageLists");
  const db = await getDb();
  const lists = await listImageLists(db);
  const entries = await Promise.all(lists.map((l) => listEntries(db, l.id, SHOWN)));
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold">Image lists</h1>
      <p className="max-w-3xl text-slate-600">
        Lists of images you already know: a campaign&apos;s AI pictures to stop on sight, or your own photos and press pictures that must never be held.
        Every scan looks the image up on every list, by its SHA-256 and by its difference hash (a re-encoded, resized or lightly edited copy, within 6 of
        64 bits). A match decides the case whatever the score: a quarantine list before a clear list, both before the policy&apos;s thresholds, and the
        case page says which list decided. Only hashes are kept, never the image. Changes apply to scans from now on; rescan a case to apply them to it.
        Moderators add a case&apos;s image from the case page, and a list can fill itself from review: the image of every case decided Confirmed AI (or
        Authentic) joins it, and leaves it if that decision is undone or amended.
      </p>

      {lists.length === 0 && <p className="text-sm text-slate-700">No lists yet.</p>}

      {lists.map((l, i) => {
        const badge = ACTION_BADGE[l.action];
        return (
          <section key={l.id} className="space-y-3 rounded-lg border border-slate-200 bg-white p-4" data-testid="image-list" data-list={l.name} aria-labelledby={`list-${l.id}`}>
            <div className="flex flex-wrap items-center gap-x-3 gap-y-1">
              <h2 id={`list-${l.id}`} className="font-semibold">
                {l.name}
              </h2>
              <span className={`rounded-full px-2 py-0.5 text-xs font-medium ${badge.className}`} data-testid="list-action">
                {badge.text}
              </span>
              <span className="text-sm text-slate-600" data-testid="list-count">
                {l.entries} {l.entries === 1 ? "entry" : "entries"}
              </span>
              <span className="text-xs text-slate-600">
                created {utcMinute(l.createdAt)}
                {l.createdByEmail ? ` by ${l.createdByEmail}` : ""}
              </span>
              <span className="ml-auto flex flex-wrap items-center gap-3">
                <span className="text-sm text-slate-700" data-testid="list-download">
                  Download{" "}
                  <a href={`/api/v1/lists/${l.id}/export`} download className="text-sky-700 underline underline-offset-2" aria-label={`Download the hashes of ${l.name}`}>
                    hashes
                  </a>{" "}
                  ·{" "}
                  <a href={`/api/v1/lists/${l.id}/export?format=csv`} download className="text-sky-700 underline underline-offset-2" aria-label={`Download ${l.name} as CSV`}>
                    CSV
                  </a>
                </span>
                <DeleteListButton listId={l.id} name={l.name} entries={l.entries} />
              </span>
            </div>
            {l.description && <p className="text-sm text-slate-700">{l.description}</p>}
            {l.autoAddOutcome && (
              <p className="text-sm text-slate-700" data-testid="list-auto-add">
                Images that moderators decide <strong>{l.autoAddOutcome === "confirmed_ai" ? "Confirmed AI" : l.autoAddOutcome === "authentic" ? "Authentic" : l.autoAddOutcome}</strong> join this list by
                themselves, and leave it if the decision is undone or amended.
              </p>
            )}
            {entries[i]!.length > 0 && (
              // relative: the sr-only caption and header are placed absolutely, and would otherwise widen the page from outside the scroller.
              <div className="relative overflow-x-auto">
                <table className="w-full text-left text-sm">
                  <caption className="sr-only">Entries of {l.name}</caption>
                  <thead className="text-xs text-slate-600">
                    <tr>
                      <th className="py-1 pr-3 font-medium">Image</th>
                      <th className="py-1 pr-3 font-medium">SHA-256</th>
                      <th className="py-1 pr-3 font-medium">Matches</th>
                      <th className="py-1 pr-3 font-medium">Note</th>
                      <th className="py-1 pr-3 font-medium">Added</th>
                      <th className="py-1 font-medium"><span className="sr-only">Remove</span></th>
                    </tr>
                  </thead>
                  <tbody>
                    {entries[i]!.map((e) => (
                      <tr key={e.id} className="border-t border-slate-100" data-testid="list-entry">
                        <td className="max-w-56 truncate py-1 pr-3">
                          {e.caseId ? (
                            <Link href={`/cases/${e.caseId}`} className="text-sky-700 hover:underline">
                              {e.filename || e.caseId}
                            </Link>
                          ) : (
                            e.filename || <span className="text-slate-600">hash import</span>
                          )}
                        </td>
                        <td className="py-1 pr-3 font-mono text-xs" title={e.sha256}>
                          {e.sha256.slice(0, 16)}…
                        </td>
                        <td className="py-1 pr-3 text-xs text-slate-700">{e.phash && e.phashInformative ? "same file or near-duplicate" : "same file only"}</td>
                        <td className="max-w-64 truncate py-1 pr-3 text-slate-700" title={e.note}>
                          {e.note}
                        </td>
                        <td className="whitespace-nowrap py-1 pr-3 text-xs text-slate-600">
                          {utcMinute(e.createdAt)}
                          {e.addedByEmail ? ` · ${e.addedByEmail}` : ""}
                        </td>
                        <td className="py-1 text-right">
                          <RemoveEntryButton entryId={e.id} />
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
                {l.entries > SHOWN && <p className="pt-1 text-xs text-slate-600">The newest {SHOWN} of {l.entries} entries.</p>}
              </div>
            )}
            <details className="rounded border border-slate-200 p-3">
              <summary className="cursor-pointer text-sm font-medium">Add images to {l.name}</summary>
              <div className="mt-3 space-y-4">
                <AddFilesForm listId={l.id} listName={l.name} />
                <AddHashesForm listId={l.id} listName={l.name} />
              </div>
            </details>
            <details className="rounded border border-slate-200 p-3">
              <summary className="cursor-pointer text-sm font-medium">Add from decisions</summary>
              <div className="mt-3">
                <AutoAddForm listId={l.id} listName={l.name} current={l.autoAddOutcome === "confirmed_ai" || l.autoAddOutcome === "authentic" ? l.autoAddOutcome : null} />
              </div>
            </details>
          </section>
        );
      })}

      <section className="rounded-lg border border-dashed border-slate-300 bg-white p-4" aria-labelledby="new-list-heading">
        <h2 id="new-list-heading" className="mb-2 font-semibold">
          New list
        </h2>
        <NewListForm />
      </section>
    </div>
  );
}
