"use client";

import { useState, useTransition } from "react";
import type { LabelledScore } from "@/lib/analytics/roc";
import { MAX_BYTES_LABEL, MAX_LABELLED_SET_BYTES, MAX_LABELLED_SET_FILES } from "@/lib/limits";
import { scoreLabelledSetAction } from "../actions";

/** The label of a file picked from a folder: the name of a folder on its path, ai/ or real/ (any depth, any case). */
export function labelOf(relativePath: string): "ai" | "real" | null {
  const dirs = relativePath.split("/").slice(0, -1).map((d) => d.toLowerCase());
  for (let i = dirs.length - 1; i >= 0; i--) {
    if (dirs[i] === "ai") return "ai";
    if (dirs[i] === "real") return "real";
  }
  return null;
}

/**
 * Pick a folder whose subfolders ai/ and real/ hold labelled images; the server scores them with the
 * engine (no cases) and the preview draws their ROC curve beside the reviewed cases'. The limits are
 * checked here first and again on the server (lib/policies/score-labelled-set.ts).
 */
export function LabelledSetUpload({ idBase, onScored }: { idBase: string; onScored: (samples: LabelledScore[] | null) => void }) {
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [pending, start] = useTransition();
  const inputId = `${idBase}-labelled-folder`;
  const onPick = (list: FileList | null) => {
    const files = [...(list ?? [])];
    if (files.length === 0) return;
    const form = new FormData();
    let ai = 0;
    let real = 0;
    let bytes = 0;
    for (const f of files) {
      const label = labelOf(f.webkitRelativePath || f.name);
      if (!label) continue;
      form.append(label, f);
      if (label === "ai") ai++;
      else real++;
      bytes += f.size;
    }
    if (ai === 0 || real === 0) return setMessage({ ok: false, text: "The folder needs images in both an ai/ and a real/ subfolder." });
    if (ai + real > MAX_LABELLED_SET_FILES) return setMessage({ ok: false, text: `A labelled set holds at most ${MAX_LABELLED_SET_FILES} images; this one has ${ai + real}.` });
    if (bytes > MAX_LABELLED_SET_BYTES) return setMessage({ ok: false, text: `A labelled set holds at most ${MAX_BYTES_LABEL} in all.` });
    setMessage({ ok: true, text: `Scoring ${ai} AI and ${real} real images…` });
    start(async () => {
      const result = await scoreLabelledSetAction(undefined, form);
      if (!result.ok) {
        setMessage({ ok: false, text: result.error.message });
        return;
      }
      onScored(result.data.samples);
      const failed = result.data.failed.length ? `; ${result.data.failed.length} could not be read (${result.data.failed.map((f) => f.name).join(", ")})` : "";
      setMessage({ ok: true, text: `Scored ${result.data.samples.length} images${failed}. The dashed curve shows them.` });
    });
  };
  return (
    <div className="flex flex-wrap items-center gap-3 text-sm">
      <label htmlFor={inputId} className="cursor-pointer rounded border border-slate-500 px-3 py-1.5 focus-within:outline-2 focus-within:outline-sky-700">
        {pending ? "Scoring…" : "ROC from a labelled folder (ai/ and real/)"}
        <input
        id={inputId}
        type="file"
        multiple
        accept="image/*"
        // A directory picker: webkitdirectory is not in React's typings.
        {...{ webkitdirectory: "" }}
        disabled={pending}
        onChange={(e) => onPick(e.target.files)}
        className="sr-only"
        data-testid="labelled-folder-input"
        />
      </label>
      <span className="text-xs text-slate-700">Up to {MAX_LABELLED_SET_FILES} images, {MAX_BYTES_LABEL} in all; nothing is stored.</span>
      {message && (
        <p role={message.ok ? "status" : "alert"} className={`w-full ${message.ok ? "text-slate-700" : "text-red-700"}`} data-testid="labelled-set-message">
          {message.text}
        </p>
      )}
    </div>
  );
}
