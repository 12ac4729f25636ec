// Every state change of a case is recorded as an event and announced by NOTIFY when, and only when,
// its transaction commits; event ids follow commit order; readers see only the cases they may watch.
import { sql } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { caseEvents } from "../../db/schema";
import { decideCase } from "../cases/decide-case";
import { rescanCase } from "../cases/rescan-case";
import { submitImage } from "../cases/submit-image";
import { transitionCase } from "../cases/transition";
import type { Actor } from "../context";
import { makeJpeg } from "../detection/testing";
import { createTestDb, insertTestUser, TEST_DB_KINDS, useTempBlobStore, type TestDb } from "../testing/test-db";
import { startWorker } from "../worker/worker";
import { CASE_EVENTS_CHANNEL, mayWatchCase, parseCaseEventNotice, type CaseEventNotice } from "./case-event";
import { pruneCaseEvents } from "./prune-case-events";
import { publishCaseEvent } from "./publish-case-event";
import { caseEventsAfter, lastCaseEventId } from "./queries";

describe.each(TEST_DB_KINDS)("case events on %s", (kind) => {
  let t: TestDb;
  let blobs: Awaited<ReturnType<typeof useTempBlobStore>>;
  let editor: Extract<Actor, { type: "user" }>;
  let other: Extract<Actor, { type: "user" }>;
  let moderator: Extract<Actor, { type: "user" }>;
  let heard: CaseEventNotice[];
  let unlisten: () => Promise<void>;

  beforeEach(async () => {
    t = await createTestDb(kind);
    blobs = await useTempBlobStore();
    editor = await insertTestUser(t.db, "editor");
    other = await insertTestUser(t.db, "editor");
    moderator = await insertTestUser(t.db, "moderator");
    heard = [];
    unlisten = await t.listen(CASE_EVENTS_CHANNEL, (p) => heard.push(parseCaseEventNotice(p)!));
  });
  afterEach(async () => {
    await unlisten?.();
    await t?.cleanup();
    await blobs?.cleanup();
  });

  const submit = async (actor: Actor, seed: number) =>
    (await submitImage({ ctx: { db: t.db, actor }, input: { bytes: await makeJpeg({ width: 64, height: 64, seed }), filename: `${seed}.jpg`, source: "upload" } })).case;
  const until = async (cond: () => boolean) => {
    for (let i = 0; i < 500 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
    expect(cond()).toBe(true);
  };

  it("records and announces each state of a case's life, in order, with increasing ids", async () => {
    const c = await submit(editor, 1);
    const worker = startWorker({ db: t.db, concurrency: 1, leaseSeconds: 60, maxAttempts: 3, pollMs: 50, log: () => {} });
    await worker.drain();
    await worker.stop();
    await decideCase({ ctx: { db: t.db, actor: moderator }, input: { caseId: c.id, outcome: "authentic" } });
    await rescanCase({ ctx: { db: t.db, actor: moderator }, input: { caseId: c.id } });

    const rows = await caseEventsAfter(t.db, 0, { role: "moderator", userId: moderator.id }, 100);
    const states = rows.map((r) => r.state);
    expect(states.slice(0, 2)).toEqual(["pending_scan", "scanning"]);
    expect(["quarantined", "cleared"]).toContain(states[2]);
    expect(states.slice(3)).toEqual(["reviewed", "pending_scan"]);
    expect(rows.every((r) => r.case_id === c.id && r.submitter_id === editor.id)).toBe(true);
    expect(rows.map((r) => r.id)).toEqual([...rows.map((r) => r.id)].sort((a, b) => a - b));
    expect(rows[2]!.verdict).not.toBeNull();
    expect(typeof rows[2]!.score).toBe("number");
    await until(() => heard.length === 5);
    expect(heard).toEqual(rows);
    expect(await lastCaseEventId(t.db)).toBe(rows[4]!.id);
  });

  it("announces nothing for a transition whose transaction rolls back", async () => {
    const c = await submit(editor, 2);
    await until(() => heard.length === 1);
    await expect(
      t.db.transaction(async (tx) => {
        await transitionCase(tx, { type: "system" }, { caseId: c.id, to: "scanning", reason: "test" });
        throw new Error("roll back");
      }),
    ).rejects.toThrow("roll back");
    // A later committed change is heard; the rolled-back one never is.
    await t.db.transaction((tx) => transitionCase(tx, { type: "system" }, { caseId: c.id, to: "scanning", reason: "test" }));
    await until(() => heard.length === 2);
    expect(heard.map((n) => n.state)).toEqual(["pending_scan", "scanning"]);
    const rows = await t.db.select().from(caseEvents);
    expect(rows).toHaveLength(2);
  });

  it("editors read their own cases' events; moderators and admins read all", async () => {
    const mine = await submit(editor, 3);
    const theirs = await submit(other, 4);
    const read = (w: Actor & { type: "user" }) => caseEventsAfter(t.db, 0, { role: w.role, userId: w.id }, 100);
    expect((await read(editor)).map((e) => e.case_id)).toEqual([mine.id]);
    expect((await read(other)).map((e) => e.case_id)).toEqual([theirs.id]);
    expect((await read(moderator)).map((e) => e.case_id)).toEqual([mine.id, theirs.id]);
    expect(mayWatchCase({ role: "editor", userId: editor.id }, other.id)).toBe(false);
    expect(mayWatchCase({ role: "editor", userId: editor.id }, null)).toBe(false);
    expect(mayWatchCase({ role: "admin", userId: editor.id }, other.id)).toBe(true);
    // After an id: only what came later.
    const first = (await read(moderator))[0]!.id;
    expect((await caseEventsAfter(t.db, first, { role: "moderator", userId: moderator.id }, 100)).map((e) => e.case_id)).toEqual([theirs.id]);
  });

  it("prunes events older than the retention window", async () => {
    await submit(editor, 5);
    await submit(editor, 6);
    await t.db.execute(sql`update case_events set created_at = now() - interval '2 hours' where id = (select min(id) from case_events)`);
    expect(await pruneCaseEvents(t.db, 3600)).toBe(1);
    expect(await t.db.select().from(caseEvents)).toHaveLength(1);
  });

  // PostgreSQL only: PGlite has one connection, so its transactions never overlap.
  if (kind === "postgres") it("hands out event ids in commit order (a later transaction waits for the earlier one's commit)", async () => {
    const a = await submit(editor, 7);
    const b = await submit(editor, 8);
    await until(() => heard.length === 2);
    const before = heard.length;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let firstHolds!: () => void;
    const firstHasPublished = new Promise<void>((r) => (firstHolds = r));
    const first = t.db.transaction(async (tx) => {
      const row = await transitionCase(tx, { type: "system" }, { caseId: a.id, to: "scanning", reason: "test" });
      firstHolds();
      await gate;
      return row;
    });
    await firstHasPublished;
    const second = t.db.transaction((tx) => transitionCase(tx, { type: "system" }, { caseId: b.id, to: "scanning", reason: "test" }));
    // The second transaction waits for the event lock the first one holds until it commits.
    // (postgres.js returns the rows as an array.)
    const waiting = async () => ((await t.db.execute(sql`select count(*)::int as n from pg_locks where locktype = 'advisory' and not granted`)) as unknown as { n: number }[])[0]!.n;
    for (let i = 0; i < 500 && (await waiting()) === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(await waiting()).toBe(1);
    release();
    await Promise.all([first, second]);
    await until(() => heard.length === before + 2);
    const [ea, eb] = heard.slice(before);
    expect([ea!.case_id, eb!.case_id]).toEqual([a.id, b.id]);
    expect(ea!.id).toBeLessThan(eb!.id);
  });

  it("announces an event when its transaction commits, not before", async () => {
    const c = await submit(editor, 9);
    await until(() => heard.length === 1);
    await t.db.transaction(async (tx) => {
      await publishCaseEvent(tx, c);
      await new Promise((r) => setTimeout(r, 50));
      expect(heard).toHaveLength(1);
    });
    await until(() => heard.length === 2);
  });
});
