// The live stream's body: the ready line, live events filtered to what the watcher may see, the
// backlog after Last-Event-ID (or a reset when too far behind), heartbeats, and its end.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { submitImage } from "../cases/submit-image";
import type { Actor } from "../context";
import { makeJpeg } from "../detection/testing";
import { createTestDb, insertTestUser, TEST_DB_KINDS, useTempBlobStore, type TestDb } from "../testing/test-db";
import { createCaseEventHub, type CaseEventHub } from "./case-event-hub";
import { openCaseEventStream, type CaseEventStreamOptions } from "./case-event-stream";
import { lastCaseEventId } from "./queries";

interface Message {
  id?: string;
  event?: string;
  data?: unknown;
  comment?: string;
  retry?: string;
}

/** Reads SSE messages off a stream as they come. */
function sseReader(stream: ReadableStream<Uint8Array>) {
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  let buf = "";
  const parse = (block: string): Message => {
    const m: Message = {};
    for (const line of block.split("\n")) {
      if (line.startsWith(":")) m.comment = line.slice(1).trim();
      const [k, ...rest] = line.split(": ");
      const v = rest.join(": ");
      if (k === "id") m.id = v;
      if (k === "event") m.event = v;
      if (k === "data") m.data = JSON.parse(v);
      if (k === "retry") m.retry = v;
    }
    return m;
  };
  return {
    async next(): Promise<Message | null> {
      for (;;) {
        const end = buf.indexOf("\n\n");
        if (end >= 0) {
          const block = buf.slice(0, end);
          buf = buf.slice(end + 2);
          return parse(block);
        }
        const r = await reader.read();
        if (r.done) return null;
        buf += decoder.decode(r.value, { stream: true });
      }
    },
    /** The next `case` event (skipping heartbeats). */
    async nextCase(): Promise<{ id: string; data: Record<string, unknown> }> {
      for (;;) {
        const m = await this.next();
        if (!m) throw new Error("the stream ended");
        if (m.event === "case") return m as { id: string; data: Record<string, unknown> };
      }
    },
  };
}

describe.each(TEST_DB_KINDS)("live case event stream on %s", (kind) => {
  let t: TestDb;
  let blobs: Awaited<ReturnType<typeof useTempBlobStore>>;
  let hub: CaseEventHub;
  let editor: Extract<Actor, { type: "user" }>;
  let other: Extract<Actor, { type: "user" }>;
  const aborts: AbortController[] = [];

  beforeEach(async () => {
    t = await createTestDb(kind);
    blobs = await useTempBlobStore();
    hub = createCaseEventHub(t.listen);
    editor = await insertTestUser(t.db, "editor");
    other = await insertTestUser(t.db, "editor");
  });
  afterEach(async () => {
    for (const a of aborts.splice(0)) a.abort();
    await hub?.close();
    await t?.cleanup();
    await blobs?.cleanup();
  });

  const submit = async (actor: Actor, seed: number) =>
    (await submitImage({ ctx: { db: t.db, actor }, input: { bytes: await makeJpeg({ width: 64, height: 64, seed }), filename: `${seed}.jpg`, source: "upload" } })).case;
  const open = async (actor: Extract<Actor, { type: "user" }>, extra: Partial<CaseEventStreamOptions> = {}) => {
    const abort = new AbortController();
    aborts.push(abort);
    const stream = await openCaseEventStream({ db: t.db, hub, watcher: { role: actor.role, userId: actor.id }, lastEventId: null, signal: abort.signal, ...extra });
    return { reader: sseReader(stream), abort };
  };

  it("opens with the newest event id, then sends each change the watcher may see as it commits", async () => {
    await submit(editor, 1);
    const newest = await lastCaseEventId(t.db);
    const { reader } = await open(editor);
    expect(await reader.next()).toEqual({ retry: "2000" });
    expect(await reader.next()).toEqual({ id: String(newest), event: "ready", data: {} });
    // Another editor's case is not sent; the editor's own next one is.
    await submit(other, 2);
    const mine = await submit(editor, 3);
    const e = await reader.nextCase();
    expect(e.data).toEqual({ id: Number(e.id), case_id: mine.id, state: "pending_scan", verdict: null, score: null, updated_at: mine.updatedAt.toISOString() });
    expect(Number(e.id)).toBe(newest + 2);
  });

  it("a moderator's stream carries every case", async () => {
    const moderator = await insertTestUser(t.db, "moderator");
    const { reader } = await open(moderator);
    const a = await submit(other, 4);
    const b = await submit(editor, 5);
    expect((await reader.nextCase()).data.case_id).toBe(a.id);
    expect((await reader.nextCase()).data.case_id).toBe(b.id);
  });

  it("after Last-Event-ID: first the missed events the watcher may see, oldest first, then live ones", async () => {
    const since = await lastCaseEventId(t.db);
    const missed1 = await submit(editor, 6);
    await submit(other, 7);
    const missed2 = await submit(editor, 8);
    const { reader } = await open(editor, { lastEventId: since });
    expect(await reader.next()).toEqual({ retry: "2000" });
    expect((await reader.nextCase()).data.case_id).toBe(missed1.id);
    expect((await reader.nextCase()).data.case_id).toBe(missed2.id);
    const live = await submit(editor, 9);
    expect((await reader.nextCase()).data.case_id).toBe(live.id);
  });

  it("says reset when more events were missed than it replays", async () => {
    const since = await lastCaseEventId(t.db);
    for (let seed = 10; seed < 13; seed++) await submit(editor, seed);
    const { reader } = await open(editor, { lastEventId: since, backlogMax: 2 });
    await reader.next();
    expect(await reader.next()).toEqual({ id: String(await lastCaseEventId(t.db)), event: "reset", data: {} });
  });

  it("sends heartbeats, and ends when the client goes away or the stream's time is up", async () => {
    const { reader, abort } = await open(editor, { heartbeatMs: 20 });
    await reader.next();
    await reader.next();
    expect(await reader.next()).toEqual({ comment: "heartbeat" });
    abort.abort();
    for (let m = await reader.next(); m; m = await reader.next()) expect(m.comment).toBe("heartbeat");

    const timed = await open(editor, { maxSeconds: 0.05 });
    let n = 0;
    while (await timed.reader.next()) n++;
    expect(n).toBe(2);
  });
});
