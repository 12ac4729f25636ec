// The body of GET /api/v1/events: a text/event-stream of case state changes the watcher may see.
//
//   retry: 2000
//   id: 41            the newest event id when the stream opens, so a reconnect resumes from here
//   event: ready
//   data: {}
//
//   id: 42
//   event: case
//   data: {"id":42,"case_id":"case_…","state":"scanning","verdict":null,"score":null,"updated_at":"…"}
//
//   : heartbeat       every LIVE_HEARTBEAT_MS
//
// With Last-Event-ID N the events after N come first (the ones missed while away), oldest first; if
// more than LIVE_EVENT_BACKLOG_MAX are missing, `event: reset` says to reload instead.
// The stream subscribes before it reads the backlog and skips ids it already sent, so nothing
// committed in between is lost or sent twice. It ends after LIVE_STREAM_MAX_SECONDS; the browser
// reconnects with Last-Event-ID and is authenticated again, so a revoked key or a changed role
// takes effect on open streams too.
import type { DbOrTx } from "../../db";
import { LIVE_EVENT_BACKLOG_MAX, LIVE_HEARTBEAT_MS, LIVE_STREAM_MAX_SECONDS } from "../limits";
import { caseEventDto, mayWatchCase, type CaseEventNotice, type Watcher } from "./case-event";
import type { CaseEventHub } from "./case-event-hub";
import { caseEventsAfter, lastCaseEventId } from "./queries";

export interface CaseEventStreamOptions {
  db: DbOrTx;
  hub: CaseEventHub;
  watcher: Watcher;
  /** The Last-Event-ID the client sent, if any. */
  lastEventId: number | null;
  /** Aborted when the client goes away. */
  signal?: AbortSignal;
  heartbeatMs?: number;
  maxSeconds?: number;
  backlogMax?: number;
}

const encoder = new TextEncoder();

export function sseMessage(event: string, id: number | null, data: unknown): string {
  return `${id !== null ? `id: ${id}\n` : ""}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

export async function openCaseEventStream(opts: CaseEventStreamOptions): Promise<ReadableStream<Uint8Array>> {
  const backlogMax = opts.backlogMax ?? LIVE_EVENT_BACKLOG_MAX;
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  let closed = false;
  let lastSent = opts.lastEventId ?? -1;
  const buffered: CaseEventNotice[] = [];
  let live = false;

  const send = (text: string) => {
    if (closed) return;
    try {
      controller.enqueue(encoder.encode(text));
    } catch {
      close();
    }
  };
  const deliver = (n: CaseEventNotice) => {
    if (n.id <= lastSent) return;
    lastSent = n.id;
    if (mayWatchCase(opts.watcher, n.submitter_id)) send(sseMessage("case", n.id, caseEventDto(n)));
  };

  const unsubscribe = await opts.hub.subscribe((n) => (live ? deliver(n) : buffered.push(n)));
  const timers: NodeJS.Timeout[] = [];
  function close() {
    if (closed) return;
    closed = true;
    unsubscribe();
    for (const t of timers) clearInterval(t);
    opts.signal?.removeEventListener("abort", close);
    try {
      controller.close();
    } catch {
      // Already closed by the client.
    }
  }

  const stream = new ReadableStream<Uint8Array>({
    start(c) {
      controller = c;
    },
    cancel() {
      close();
    },
  });

  try {
    send("retry: 2000\n\n");
    if (opts.lastEventId === null) {
      const newest = await lastCaseEventId(opts.db);
      lastSent = Math.max(lastSent, newest);
      send(sseMessage("ready", newest, {}));
    } else {
      const backlog = await caseEventsAfter(opts.db, opts.lastEventId, opts.watcher, backlogMax + 1);
      if (backlog.length > backlogMax) {
        const newest = await lastCaseEventId(opts.db);
        lastSent = Math.max(lastSent, newest);
        send(sseMessage("reset", newest, {}));
      } else {
        for (const n of backlog) deliver(n);
      }
    }
    // Events that arrived while the backlog was read, then everything live.
    for (const n of buffered.splice(0)) deliver(n);
    live = true;
  } catch (err) {
    close();
    throw err;
  }

  timers.push(setInterval(() => send(": heartbeat\n\n"), opts.heartbeatMs ?? LIVE_HEARTBEAT_MS));
  const end = setTimeout(close, (opts.maxSeconds ?? LIVE_STREAM_MAX_SECONDS) * 1000);
  timers.push(end);
  for (const t of timers) t.unref?.();
  if (opts.signal?.aborted) close();
  else opts.signal?.addEventListener("abort", close);
  return stream;
}
