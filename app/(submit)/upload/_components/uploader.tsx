"use client";

import Link from "next/link";
import { useCallback, useRef, useState } from "react";
import { uploadImageAction } from "../actions";
import { MAX_BYTES_LABEL, MAX_FILES_PER_BATCH, MAX_UPLOAD_BYTES } from "@/lib/limits";
import { StateBadge, VerdictLabel } from "@/components/state-badge";
import { useCaseEvents, type CaseEventDto } from "@/components/use-case-events";

type Status = "queued" | "uploading" | "done" | "error";
interface Item {
  key: string;
  file: File;
  status: Status;
  caseId?: string;
  deduplicated?: boolean;
  error?: { code: string; message: string };
}

const PARALLEL = 3;

export function Uploader({ since }: { since: number }) {
  const [items, setItems] = useState<Item[]>([]);
  // Each uploaded case's latest state, as the live stream reports it (it may report a case before
  // the upload's own answer names it, so every reported case is kept).
  const [states, setStates] = useState<Record<string, CaseEventDto>>({});
  useCaseEvents({ since, onEvent: (e) => setStates((m) => ({ ...m, [e.case_id]: e })) });
  const [batchError, setBatchError] = useState<string | null>(null);
  const [dragging, setDragging] = useState(false);
  const input = useRef<HTMLInputElement>(null);

  const update = (key: string, patch: Partial<Item>) => setItems((xs) => xs.map((x) => (x.key === key ? { ...x, ...patch } : x)));

  const start = useCallback(async (files: File[]) => {
    setBatchError(null);
    if (files.length > MAX_FILES_PER_BATCH) {
      setBatchError(`You chose ${files.length} files; a batch holds at most ${MAX_FILES_PER_BATCH}.`);
      return;
    }
    const batch: Item[] = files.map((file, i) => ({ key: `${Date.now()}-${i}-${file.name}`, file, status: "queued" }));
    setItems((xs) => [...batch, ...xs]);
    const queue = [...batch];
    const run = async () => {
      for (let item = queue.shift(); item; item = queue.shift()) {
        if (item.file.size > MAX_UPLOAD_BYTES) {
          update(item.key, { status: "error", error: { code: "image_too_large", message: `The file is over ${MAX_BYTES_LABEL}.` } });
          continue;
        }
        update(item.key, { status: "uploading" });
        const form = new FormData();
        form.set("file", item.file);
        try {
          const res = await uploadImageAction(undefined, form);
          if (res.ok) update(item.key, { status: "done", caseId: res.data.caseId, deduplicated: res.data.deduplicated });
          else update(item.key, { status: "error", error: res.error });
        } catch {
          update(item.key, { status: "error", error: { code: "network_error", message: "The upload did not reach the server." } });
        }
      }
    };
    await Promise.all(Array.from({ length: PARALLEL }, run));
  }, []);

  const done = items.filter((i) => i.status === "done").length;
  const failed = items.filter((i) => i.status === "error").length;

  return (
    <div className="space-y-6">
      <div
        data-testid="dropzone"
        onDragOver={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={(e) => {
          e.preventDefault();
          setDragging(false);
          void start(Array.from(e.dataTransfer.files));
        }}
        onClick={() => input.current?.click()}
        onKeyDown={(e) => {
          if (e.key === "Enter" || e.key === " ") {
            e.preventDefault();
            input.current?.click();
          }
        }}
        role="button"
        tabIndex={0}
        aria-describedby="dropzone-hint"
        className={`cursor-pointer rounded-lg border-2 border-dashed p-6 text-center transition sm:p-10 ${dragging ? "border-slate-900 bg-slate-100" : "border-slate-500 bg-white"}`}
      >
        <p className="font-medium">Drop images here, or click (or press Enter) to choose</p>
        <p id="dropzone-hint" className="mt-1 text-sm text-slate-600">
          Up to {MAX_FILES_PER_BATCH} files, {MAX_BYTES_LABEL} each. JPEG, PNG, WebP, GIF, TIFF, BMP, AVIF, HEIC.
        </p>
        <input
          ref={input}
          type="file"
          multiple
          accept="image/*,.heic,.heif"
          className="hidden"
          tabIndex={-1}
          aria-label="Images to upload"
          data-testid="file-input"
          onChange={(e) => {
            void start(Array.from(e.target.files ?? []));
            e.target.value = "";
          }}
        />
      </div>
      {batchError && (
        <p role="alert" className="rounded border border-red-200 bg-red-50 p-3 text-sm text-red-800">
          {batchError}
        </p>
      )}
      {items.length > 0 && (
        <div className="rounded-lg border border-slate-200 bg-white">
          <div className="border-b border-slate-200 px-4 py-2 text-sm text-slate-700" data-testid="upload-summary" aria-live="polite">
            {done} uploaded · {failed} failed · {items.length - done - failed} in progress
          </div>
          <ul className="divide-y divide-slate-100">
            {items.map((item) => (
              <li key={item.key} className="flex flex-wrap items-center gap-x-4 gap-y-1 px-4 py-2 text-sm" data-testid="upload-row" data-status={item.status}>
                <span className="min-w-0 basis-full truncate font-mono sm:basis-64" title={item.file.name}>
                  {item.file.name}
                </span>
                <span className="w-20 text-slate-600">{(item.file.size / 1024).toFixed(0)} KB</span>
                <div className="h-2 w-24 overflow-hidden rounded bg-slate-100 sm:w-40" aria-hidden="true">
                  <div
                    className={`h-full ${item.status === "error" ? "bg-red-500" : item.status === "done" ? "bg-emerald-500" : "animate-pulse bg-slate-400"}`}
                    style={{ width: item.status === "queued" ? "0%" : item.status === "uploading" ? "60%" : "100%" }}
                  />
                </div>
                <span className="flex-1">
                  {item.status === "queued" && <span className="text-slate-600">Queued</span>}
                  {item.status === "uploading" && <span className="text-slate-700">Uploading…</span>}
                  {item.status === "done" && item.caseId && (
                    <span className="flex items-center gap-3" data-testid="upload-case" data-state={states[item.caseId]?.state ?? "pending_scan"}>
                      <StateBadge state={states[item.caseId]?.state ?? "pending_scan"} />
                      {states[item.caseId]?.verdict ? <VerdictLabel verdict={states[item.caseId]!.verdict} score={states[item.caseId]!.score} /> : null}
                      <Link className="text-emerald-700 underline" href={`/cases/${item.caseId}`}>
                        {item.deduplicated ? "Already stored — new case" : "Open case"} →
                      </Link>
                    </span>
                  )}
                  {item.status === "error" && item.error && (
                    <span className="text-red-700" data-testid="upload-error" data-code={item.error.code}>
                      {item.error.message} <code className="text-xs text-red-700">({item.error.code})</code>
                    </span>
                  )}
                </span>
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}
