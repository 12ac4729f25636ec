import { apiRoute, otherMethods, parseOrThrow } from "@/lib/api/route";
import { openCaseEventStream } from "@/lib/live/case-event-stream";
import { processCaseEventHub } from "@/lib/live/case-event-hub";
import { eventsQuery } from "./events.validation";

export const dynamic = "force-dynamic";

/**
 * Server-sent events: case state changes as they commit, filtered to the cases the caller may see
 * (lib/live/case-event-stream.ts describes the stream). A reconnecting EventSource sends
 * Last-Event-ID by itself; `?last_event_id=` does the same for the first connection.
 */
export const GET = apiRoute({ permission: "viewQueue", scope: "cases:read" }, async (req, { db, actor }) => {
  const q = parseOrThrow(eventsQuery, {
    last_event_id: req.headers.get("last-event-id") ?? new URL(req.url).searchParams.get("last_event_id") ?? undefined,
  });
  const stream = await openCaseEventStream({
    db,
    hub: await processCaseEventHub(),
    watcher: { role: actor.role, userId: actor.type === "user" ? actor.id : actor.userId },
    lastEventId: q.last_event_id ?? null,
    signal: req.signal,
  });
  return new Response(stream, {
    headers: {
      "content-type": "text/event-stream; charset=utf-8",
      // no-transform: Next's gzip (and proxies) would otherwise buffer the stream.
      "cache-control": "no-cache, no-transform",
      "x-accel-buffering": "no",
    },
  });
});

/** The methods this path does not take: a JSON 405 naming the ones it does. */
export const { POST, PUT, PATCH, DELETE } = otherMethods(["GET"]);
