"use client";

import { useRef } from "react";
import { useShortcuts } from "@/components/use-shortcuts";

export const SHORTCUTS: { keys: string; what: string }[] = [
  { keys: "a", what: "Decide: authentic (then the next case)" },
  { keys: "r", what: "Decide: confirmed AI-generated" },
  { keys: "n", what: "Decide: needs more information" },
  { keys: "u", what: "Undo the last decision (10 s), or amend this case's decision" },
  { keys: "j / k", what: "Next case (claims it) / previous case" },
  { keys: "o", what: "Overlay on / off" },
  { keys: "1–9", what: "Show that signal's map" },
  { keys: "s / h", what: "Side by side / heatmap only" },
  { keys: "b", what: "Reveal / blur again an image its policy blurs (sensitive content)" },
  { keys: "z", what: "Zoom: fit ↔ 100 %  (+ / − step)" },
  { keys: "?", what: "This list" },
];

/** The `?` dialog listing every shortcut. A native <dialog>: Escape closes it and focus returns. */
export function ShortcutsDialog() {
  const ref = useRef<HTMLDialogElement>(null);
  useShortcuts({
    "?": () => {
      const d = ref.current;
      if (!d) return;
      if (d.open) d.close();
      else d.showModal();
    },
  });
  return (
    <>
      <button type="button" onClick={() => ref.current?.showModal()} className="rounded-md border border-slate-300 px-2 py-1 text-xs text-slate-600 hover:bg-slate-100" title="Keyboard shortcuts (?)">
        <kbd className="font-mono">?</kbd> Shortcuts
      </button>
      <dialog ref={ref} className="m-auto w-[min(28rem,92vw)] rounded-xl p-0 shadow-2xl backdrop:bg-slate-900/40" data-testid="shortcuts-dialog" aria-labelledby="shortcuts-title">
        <div className="flex items-center justify-between border-b border-slate-200 px-4 py-3">
          <h2 id="shortcuts-title" className="font-semibold">Keyboard shortcuts</h2>
          <form method="dialog">
            <button className="rounded-md px-2 py-1 text-sm text-slate-600 hover:bg-slate-100" aria-label="Close">Esc</button>
          </form>
        </div>
        <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-2 px-4 py-3 text-sm">
          {SHORTCUTS.map((s) => (
            <div key={s.keys} className="contents">
              <dt>
                <kbd className="rounded border border-slate-300 bg-slate-50 px-1.5 py-0.5 font-mono text-xs shadow-sm">{s.keys}</kbd>
              </dt>
              <dd className="text-slate-700">{s.what}</dd>
            </div>
          ))}
        </dl>
        <p className="border-t border-slate-200 px-4 py-2 text-xs text-slate-500">Shortcuts are off while you type in a field.</p>
      </dialog>
    </>
  );
}
