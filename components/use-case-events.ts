"use client";

import { useEffect, useRef } from "react";
import type { CaseEventDto } from "@/lib/live/case-event";

export type { CaseEventDto };

/**
 * Subscribes to the live stream of case state changes (GET /api/v1/events) for as long as the
 * component is mounted. `since` is the newest event id when the server rendered the page
 * (lastCaseEventId), so the changes made between that render and the stream opening arrive too;
 * EventSource resends Last-Event-ID after a break by itself, so nothing missed then is lost either.
 * `onEvent` gets each change the user may see; `onResync` runs when the stream says `reset` (too far
 * behind to replay), for the page to reload what it shows.
 */
export function useCaseEvents({ since, onEvent, onResync }: { since: number; onEvent: (e: CaseEventDto) => void; onResync?: () => void }): void {
  const handlers = useRef({ onEvent, onResync });
  useEffect(() => {
    handlers.current = { onEvent, onResync };
  });
  // The id of the first render: a page re-rendered by router.refresh() passes a newer one, and the
  // open stream simply goes on.
  const from = useRef(since);
  useEffect(() => {
    const source = new EventSource(`/api/v1/events?last_event_id=${from.current}`);
    source.addEventListener("case", (m) => handlers.current.onEvent(JSON.parse((m as MessageEvent<string>).data) as CaseEventDto));
    source.addEventListener("reset", () => handlers.current.onResync?.());
    return () => source.close();
  }, []);
}

/** `fn` at most once per `ms`, the last call always run (a burst of events → one reload). */
export function throttle(fn: () => void, ms: number): () => void {
  let timer: ReturnType<typeof setTimeout> | null = null;
  let last = 0;
  return () => {
    if (timer) return;
    const wait = Math.max(0, last + ms - Date.now());
    timer = setTimeout(() => {
      timer = null;
      last = Date.now();
      fn();
    }, wait);
  };
}
