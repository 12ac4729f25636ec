// The live stream over HTTP: open GET /api/v1/events with an API key, upload a case through the API,
// and receive its state changes up to the verdict; reconnecting with Last-Event-ID replays what came
// after that id; another editor's stream never carries the case.
import { expect, test } from "@playwright/test";
import { makeJpeg } from "../../lib/detection/testing";
import { E2E_ADMIN } from "../../playwright.config";
import { createApiKey, ensureUser, signIn, signOut } from "../support/session";

const EDITOR = { email: "events-editor@e2e.test", password: "events-editor-pass", role: "editor" as const };
const OTHER = { email: "events-other@e2e.test", password: "events-other-pass", role: "editor" as const };
const keys = { editor: "", other: "" };

interface Message {
  id?: string;
  event?: string;
  data?: { id: number; case_id: string; state: string; verdict: string | null; score: number | null; updated_at: string };
}

/** An open event stream: its messages as they arrive (heartbeats and the retry line skipped). */
async function openStream(baseURL: string, key: string, lastEventId?: string) {
  const abort = new AbortController();
  const res = await fetch(new URL("/api/v1/events", baseURL), {
    headers: { authorization: `Bearer ${key}`, ...(lastEventId ? { "last-event-id": lastEventId } : {}) },
    signal: abort.signal,
  });
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toContain("text/event-stream");
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buf = "";
  return {
    close: () => abort.abort(),
    async next(): Promise<Message> {
      for (;;) {
        const end = buf.indexOf("\n\n");
        if (end >= 0) {
          const block = buf.slice(0, end);
          buf = buf.slice(end + 2);
          const m: Message = {};
          for (const line of block.split("\n")) {
            if (line.startsWith("id: ")) m.id = line.slice(4);
            if (line.startsWith("event: ")) m.event = line.slice(7);
            if (line.startsWith("data: ")) m.data = JSON.parse(line.slice(6));
          }
          if (m.event) return m;
          continue;
        }
        const r = await reader.read();
        if (r.done) throw new Error("the stream ended");
        buf += decoder.decode(r.value, { stream: true });
      }
    },
  };
}

const FINAL = /^(quarantined|cleared)$/;

test.beforeAll(async ({ browser }) => {
  const page = await browser.newPage();
  await signIn(page, E2E_ADMIN.email, E2E_ADMIN.password);
  await ensureUser(page, EDITOR);
  await ensureUser(page, OTHER);
  await signOut(page);
  await signIn(page, EDITOR.email, EDITOR.password);
  keys.editor = await createApiKey(page, "events-editor");
  await signOut(page);
  await signIn(page, OTHER.email, OTHER.password);
  keys.other = await createApiKey(page, "events-other");
  await page.close();
});

test("an uploaded case's states arrive on the stream up to its verdict, and again after Last-Event-ID", async ({ request, baseURL }) => {
  const stream = await openStream(baseURL!, keys.editor);
  const ready = await stream.next();
  expect(ready.event).toBe("ready");
  expect(ready.id).toMatch(/^\d+$/);

  const res = await request.post("/api/v1/cases", {
    headers: { authorization: `Bearer ${keys.editor}` },
    multipart: { file: { name: "live.jpg", mimeType: "image/jpeg", buffer: await makeJpeg({ width: 1024, height: 1024, seed: 161 }) } },
  });
  expect(res.status()).toBe(202);
  const caseId = (await res.json()).id as string;

  const seen: Message[] = [];
  while (!FINAL.test(seen.at(-1)?.data?.state ?? "")) {
    const m = await stream.next();
    expect(m.event).toBe("case");
    if (m.data!.case_id === caseId) seen.push(m);
  }
  stream.close();
  expect(seen.map((m) => m.data!.state).slice(0, 2)).toEqual(["pending_scan", "scanning"]);
  expect(seen).toHaveLength(3);
  const final = seen[2]!.data!;
  expect(final.verdict).toMatch(/^(ai_generated|likely_authentic|inconclusive)$/);
  expect(typeof final.score).toBe("number");
  expect(seen.map((m) => Number(m.id))).toEqual(seen.map((m) => m.data!.id));
  // The case as the REST API reports it agrees with the last event.
  const detail = await (await request.get(`/api/v1/cases/${caseId}`, { headers: { authorization: `Bearer ${keys.editor}` } })).json();
  expect([detail.state, detail.verdict]).toEqual([final.state, final.verdict]);

  // Reconnecting after the first event: the two that followed are replayed, in order.
  const again = await openStream(baseURL!, keys.editor, seen[0]!.id);
  const replay = [await again.next(), await again.next()];
  again.close();
  expect(replay.map((m) => [m.id, m.data!.state])).toEqual(seen.slice(1).map((m) => [m.id, m.data!.state]));

  // Another editor replaying the same span gets none of it: the first event it gets is its own new case.
  const other = await openStream(baseURL!, keys.other, ready.id);
  const mine = await request.post("/api/v1/cases", {
    headers: { authorization: `Bearer ${keys.other}` },
    multipart: { file: { name: "other.jpg", mimeType: "image/jpeg", buffer: await makeJpeg({ width: 96, height: 96, seed: 162 }) } },
  });
  const first = await other.next();
  other.close();
  expect(first.data!.case_id).toBe((await mine.json()).id);
});
