"use client";

import Link from "next/link";
import { useCallback, useEffect, useRef, useState } from "react";
import { MAX_BYTES_LABEL, MAX_FILES_PER_BATCH, MAX_UPLOAD_BYTES } from "@/lib/limits";
import { STATE_LABELS, StateBadge, VerdictLabel } from "@/components/state-badge";
import { useCaseEvents, type CaseEventDto } from "@/components/use-case-events";

/**
 * A file's upload: waiting its turn, sending (with the bytes sent so far), sent and being stored by
 * the server, done (a case exists; its state then comes from the live stream) or failed.
 */
type Status = "queued" | "uploading" | "processing" | "done" | "error";
interface Item {
  key: string;
  file: File;
  status: Status;
  /** Bytes sent so far and the request's total, from XMLHttpRequest upload progress events. */
  sent: number;
  total: number;
  caseId?: string;
  deduplicated?: boolean;
  error?: { code: string; message: string };
  /**
   * The Idempotency-Key of this file's upload: a retry after a lost answer (network error, 5xx) sends
   * the same one, so a case the server did create is answered again instead of created twice.
   */
  idempotencyKey: string;
  /** Uploads started for this file (1, then one more per retry). */
  attempts: number;
}

type Outcome = { ok: true; caseId: string; deduplicated: boolean } | { ok: false; code: string; message: string; definitive: boolean };

const PARALLEL = 3;
const newKey = () => `upload-${crypto.randomUUID()}`;

/**
 * One file to POST /api/v1/cases (multipart, `file` part) with the session cookie. XMLHttpRequest
 * rather than fetch: only it reports upload progress. The answer is the API's case DTO or its error
 * envelope (`{ error: { code, message } }`, lib/errors.ts).
 */
function sendFile(item: Item, onProgress: (sent: number, total: number) => void): Promise<Outcome> {
  return new Promise((resolve) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", "/api/v1/cases");
    xhr.withCredentials = true;
    xhr.setRequestHeader("Idempotency-Key", item.idempotencyKey);
    xhr.responseType = "json";
    xhr.upload.onprogress = (e) => onProgress(e.loaded, e.lengthComputable ? e.total : item.file.size);
    xhr.onload = () => {
      const body = xhr.response as { id?: string; deduplicated?: boolean; error?: { code?: string; message?: string } } | null;
      if (xhr.status >= 200 && xhr.status < 300 && body?.id) {
        resolve({ ok: true, caseId: body.id, deduplicated: Boolean(body.deduplicated) });
        return;
      }
      resolve({
        ok: false,
        code: body?.error?.code ?? "internal_error",
        message: body?.error?.message ?? `The server answered ${xhr.status}.`,
        // A 4xx is the server's answer to these bytes; a 5xx or no answer may not have been.
        definitive: xhr.status >= 400 && xhr.status < 500,
      });
    };
    xhr.onerror = () => resolve({ ok: false, code: "network_error", message: "The upload did not reach the server.", definitive: false });
    xhr.onabort = () => resolve({ ok: false, code: "network_error", message: "The upload was interrupted.", definitive: false });
    const form = new FormData();
    form.set("file", item.file, item.file.name);
    xhr.send(form);
  });
}

const pct = (i: Item) => (i.total > 0 ? Math.min(100, Math.round((i.sent / i.total) * 100)) : 0);
const kb = (n: number) => `${Math.max(1, Math.round(n / 1024))} KB`;

export function Uploader({ since }: { since: number }) {
  const [items, setItems] = useState<Item[]>([]);
  // Each uploaded case's latest state, as the live stream reports it (it may report a case before
  // the upload's own answer names it, so every reported case is kept).
  const [states, setStates] = useState<Record<string, CaseEventDto>>({});
  // One polite live region says what finished, failed or changed state, one line at a time.
  const [announcement, setAnnouncement] = useState("");
  const names = useRef(new Map<string, string>());
  useCaseEvents({
    since,
    onEvent: (e) => {
      setStates((m) => ({ ...m, [e.case_id]: e }));
      const name = names.current.get(e.case_id);
      if (name) setAnnouncement(`${name}: ${STATE_LABELS[e.state] ?? e.state}.`);
    },
  });
  const [batchError, setBatchError] = useState<string | null>(null);
  const [dragging, setDragging] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const waiting = useRef<Item[]>([]);
  const running = useRef(0);

  const update = useCallback((key: string, patch: Partial<Item>) => setItems((xs) => xs.map((x) => (x.key === key ? { ...x, ...patch } : x))), []);

  // Up to PARALLEL uploads at once; each finished one starts the next waiting file.
  const pump = useCallback(() => {
    while (running.current < PARALLEL && waiting.current.length) {
      const item = waiting.current.shift()!;
      running.current++;
      setItems((xs) => xs.map((x) => (x.key === item.key ? { ...x, status: "uploading", sent: 0, error: undefined, attempts: x.attempts + 1 } : x)));
      void sendFile(item, (sent, total) => update(item.key, { sent, total, status: sent >= total ? "processing" : "uploading" })).then((r) => {
        running.current--;
        if (r.ok) {
          names.current.set(r.caseId, item.file.name);
          update(item.key, { status: "done", sent: item.file.size, total: item.file.size, caseId: r.caseId, deduplicated: r.deduplicated });
          setAnnouncement(`${item.file.name} uploaded; waiting for the scan.`);
        } else {
          update(item.key, { status: "error", error: { code: r.code, message: r.message }, ...(r.definitive ? { idempotencyKey: newKey() } : {}) });
          setAnnouncement(`${item.file.name} failed: ${r.message}`);
        }
        pump();
      });
    }
  }, [update]);

  const enqueue = useCallback(
    (batch: Item[]) => {
      for (const item of batch) {
        if (item.file.size > MAX_UPLOAD_BYTES) continue;
        waiting.current.push(item);
      }
      pump();
    },
    [pump],
  );

  const start = useCallback(
    (files: File[]) => {
      setBatchError(null);
      if (files.length === 0) return;
      if (files.length > MAX_FILES_PER_BATCH) {
        setBatchError(`You chose ${files.length} files; a batch holds at most ${MAX_FILES_PER_BATCH}.`);
        return;
      }
      const stamp = Date.now();
      const batch: Item[] = files.map((file, i) => {
        const tooLarge = file.size > MAX_UPLOAD_BYTES;
        return {
          key: `${stamp}-${i}-${file.name}`,
          file,
          status: tooLarge ? "error" : "queued",
          sent: 0,
          total: file.size,
          idempotencyKey: newKey(),
          attempts: 0,
          // Refused here before any byte is sent; the server checks again.
          ...(tooLarge ? { error: { code: "image_too_large", message: `The file is over ${MAX_BYTES_LABEL}.` } } : {}),
        };
      });
      setItems((xs) => [...batch, ...xs]);
      setAnnouncement(`${files.length} file${files.length === 1 ? "" : "s"} added to the upload.`);
      enqueue(batch);
    },
    [enqueue],
  );

  const retry = (item: Item) => {
    if (item.file.size > MAX_UPLOAD_BYTES) return;
    update(item.key, { status: "queued", error: undefined, sent: 0 });
    setAnnouncement(`${item.file.name}: retrying.`);
    enqueue([item]);
  };

  // Leaving the page while files are still going asks first (the browser's own dialog).
  const busy = items.some((i) => i.status === "queued" || i.status === "uploading" || i.status === "processing");
  useEffect(() => {
    if (!busy) return;
    const warn = (e: BeforeUnloadEvent) => e.preventDefault();
    window.addEventListener("beforeunload", warn);
    return () => window.removeEventListener("beforeunload", warn);
  }, [busy]);

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
          start(Array.from(e.dataTransfer.files));
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
        className={`cursor-pointer rounded-lg border-2 border-dashed p-6 text-center transition focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-slate-900 sm:p-10 ${dragging ? "border-slate-900 bg-slate-100" : "border-slate-500 bg-white"}`}
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
            start(Array.from(e.target.files ?? []));
            e.target.value = "";
          }}
        />
      </div>
      <p className="sr-only" role="status" aria-live="polite" data-testid="upload-announcer">
        {announcement}
      </p>
      {batchError && (
        <p role="alert" className="rounded border border-red-200 bg-red-50 p-3 text-sm text-red-800">
          {batchError}
        </p>
      )}
      {items.length > 0 && (
        <div className="rounded-lg border border-slate-200 bg-white">
          <div className="flex flex-wrap items-center justify-between gap-2 border-b border-slate-200 px-4 py-2 text-sm text-slate-700">
            <span data-testid="upload-summary">
              {done} uploaded · {failed} failed · {items.length - done - failed} in progress
            </span>
            <Link href="/submissions" className="text-slate-900 underline underline-offset-2">My submissions</Link>
          </div>
          <ul className="divide-y divide-slate-100">
            {items.map((item) => {
              const live = item.caseId ? states[item.caseId] : undefined;
              const p = item.status === "done" ? 100 : pct(item);
              const label = `Upload of ${item.file.name}`;
              return (
                <li key={item.key} className="flex flex-wrap items-center gap-x-4 gap-y-1 px-4 py-2 text-sm" data-testid="upload-row" data-status={item.status} data-attempts={item.attempts}>
                  <span className="min-w-0 basis-full truncate font-mono sm:basis-64" title={item.file.name}>
                    {item.file.name}
                  </span>
                  <span className="w-16 text-slate-600">{kb(item.file.size)}</span>
                  <div
                    role="progressbar"
                    aria-label={label}
                    aria-valuemin={0}
                    aria-valuemax={100}
                    aria-valuenow={p}
                    aria-valuetext={item.status === "error" ? "failed" : `${p} %`}
                    data-testid="upload-progress"
                    className="h-2 w-24 overflow-hidden rounded bg-slate-200 sm:w-40"
                  >
                    <div
                      className={`h-full transition-[width] ${item.status === "error" ? "bg-red-600" : item.status === "done" ? "bg-emerald-600" : "bg-slate-700"}`}
                      style={{ width: `${item.status === "error" ? 100 : p}%` }}
                    />
                  </div>
                  <span className="flex min-w-0 flex-1 flex-wrap items-center gap-x-3 gap-y-1">
                    {item.status === "queued" && <span className="text-slate-600">Queued</span>}
                    {item.status === "uploading" && (
                      <span className="text-slate-700" data-testid="upload-percent">
                        Uploading {p} % ({kb(item.sent)} of {kb(item.total)})
                      </span>
                    )}
                    {item.status === "processing" && <span className="text-slate-700">Sent; storing…</span>}
                    {item.status === "done" && item.caseId && (
                      <span className="flex flex-wrap items-center gap-3" data-testid="upload-case" data-state={live?.state ?? "pending_scan"}>
                        <StateBadge state={live?.state ?? "pending_scan"} />
                        {live?.verdict ? <VerdictLabel verdict={live.verdict} score={live.score} /> : null}
                        <Link className="text-emerald-800 underline" href={`/cases/${item.caseId}`}>
                          {item.deduplicated ? "Already stored — new case" : "Open case"} →
                        </Link>
                      </span>
                    )}
                    {item.status === "error" && item.error && (
                      <>
                        <span className="min-w-0 break-words text-red-700" data-testid="upload-error" data-code={item.error.code}>
                          {item.error.message} <code className="break-all text-xs text-red-700">({item.error.code})</code>
                        </span>
                        {item.file.size <= MAX_UPLOAD_BYTES && (
                          <button
                            type="button"
                            onClick={() => retry(item)}
                            className="rounded border border-slate-400 bg-white px-2 py-0.5 text-xs font-medium text-slate-900 hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-slate-900"
                            data-testid="upload-retry"
                            aria-label={`Retry ${item.file.name}`}
                          >
                            Retry
                          </button>
                        )}
                      </>
                    )}
                  </span>
                </li>
              );
            })}
          </ul>
        </div>
      )}
    </div>
  );
}
