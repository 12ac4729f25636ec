// A committed case wakes the workers at once, whichever process committed it: the NOTIFY sent in the
// submitting (or rescanning) transaction reaches every LISTENing worker, and the safety-net poll is
// set to a minute here so that only a wake-up can explain a claim within 100 ms. The delay is read
// from the database's own clock: from the case's `pending_scan` event (written last in its
// transaction, just before the commit) to the start of the claim's transaction (its audit row).
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { and, eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { auditEvents, caseEvents, cases } from "../../db/schema";
import { ensureDefaultPolicy } from "../bootstrap";
import { rescanCase } from "../cases/rescan-case";
import { submitImage } from "../cases/submit-image";
import type { Actor } from "../context";
import { runDetection } from "../detection";
import { makeJpeg } from "../detection/testing";
import { createPostgresTestDb, createTestDb, insertTestUser, serverUrl, TEST_DB_KINDS, useTempBlobStore, type TestDb } from "../testing/test-db";
import { CASE_EVENTS_CHANNEL, parseCaseEventNotice } from "../live/case-event";
import { startWorker } from "./worker";

const POLL_MS = 60_000;
const WAKE_LIMIT_MS = 100;

/**
 * Milliseconds from the commit that made the case claimable (its latest `pending_scan` event) to the
 * claim that followed it. The test waits for the claim's own notice rather than polling the database,
 * so that its queries never hold the connection a worker's claim needs.
 */
async function claimDelay(t: TestDb, caseId: string, claimed: Promise<void>): Promise<number> {
  await Promise.race([
    claimed,
    new Promise((_, reject) => setTimeout(() => reject(new Error(`no worker claimed ${caseId} within 10 s (the poll is ${POLL_MS} ms: was the worker woken?)`)), 10_000)),
  ]);
  const queued = await t.db.select().from(caseEvents).where(and(eq(caseEvents.caseId, caseId), eq(caseEvents.state, "pending_scan")));
  const since = queued.map((e) => e.createdAt).reduce((a, b) => (a > b ? a : b));
  const claims = await t.db.select().from(auditEvents).where(and(eq(auditEvents.caseId, caseId), eq(auditEvents.action, "case.transition")));
  const claim = claims.find((e) => e.data.reason === "claimed" && e.createdAt >= since);
  return claim!.createdAt.getTime() - since.getTime();
}

/** Listens for the next `scanning` notice (a claim, of any case); `claimed` resolves on it. */
async function listenForClaim(t: TestDb): Promise<{ claimed: Promise<void> }> {
  let heard!: () => void;
  const claimed = new Promise<void>((r) => (heard = r));
  const stop = await t.listen(CASE_EVENTS_CHANNEL, (p) => {
    if (parseCaseEventNotice(p)?.state === "scanning") heard();
  });
  return { claimed: claimed.finally(() => stop()) };
}

async function submit(t: TestDb, actor: Actor, seed: number) {
  const bytes = await makeJpeg({ width: 128, height: 128, seed });
  return (await submitImage({ ctx: { db: t.db, actor }, input: { bytes, filename: `w${seed}.jpg`, source: "api" } })).case;
}

describe.each(TEST_DB_KINDS)("in-process worker woken by NOTIFY on %s", (kind) => {
  let t: TestDb;
  let blobs: Awaited<ReturnType<typeof useTempBlobStore>>;
  beforeEach(async () => {
    t = await createTestDb(kind);
    blobs = await useTempBlobStore();
  });
  afterEach(async () => {
    await t?.cleanup();
    await blobs?.cleanup();
  });

  it(`claims a new case and a rescanned one within ${WAKE_LIMIT_MS} ms of their commit`, async () => {
    const editor = await insertTestUser(t.db, "editor");
    const moderator = await insertTestUser(t.db, "moderator");
    // Inline detection: the process's detection threads would start (and load the model) on the
    // test's two CPUs just as the first case arrives.
    const worker = startWorker({ db: t.db, listen: t.listen, concurrency: 1, leaseSeconds: 60, maxAttempts: 3, pollMs: POLL_MS, detect: (b) => runDetection(b), log: () => {} });
    try {
      await worker.ready;
      let { claimed } = await listenForClaim(t);
      const c = await submit(t, editor, 1);
      expect(await claimDelay(t, c.id, claimed)).toBeLessThan(WAKE_LIMIT_MS);
      await worker.drain();
      const [done] = await t.db.select().from(cases).where(eq(cases.id, c.id));
      expect(["quarantined", "cleared"]).toContain(done!.state);

      ({ claimed } = await listenForClaim(t));
      await rescanCase({ ctx: { db: t.db, actor: moderator }, input: { caseId: c.id } });
      expect(await claimDelay(t, c.id, claimed)).toBeLessThan(WAKE_LIMIT_MS);
      await worker.drain();
    } finally {
      await worker.stop();
    }
  });
});

describe.skipIf(!serverUrl)("`npm run worker` in another process woken by NOTIFY on PostgreSQL (needs DATABASE_URL)", () => {
  let t: TestDb;
  let blobs: Awaited<ReturnType<typeof useTempBlobStore>>;
  let child: ChildProcess | undefined;
  beforeEach(async () => {
    t = await createPostgresTestDb(serverUrl!);
    await ensureDefaultPolicy(t.db);
    blobs = await useTempBlobStore();
  });
  afterEach(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child!.once("exit", r));
      child.kill("SIGTERM");
      await exited;
    }
    await t?.cleanup();
    await blobs?.cleanup();
  });

  it(`starts scanning a case within ${WAKE_LIMIT_MS} ms of the commit in this process`, async () => {
    const editor = await insertTestUser(t.db, "editor");
    child = spawn(process.execPath, ["--import", "tsx/esm", fileURLToPath(new URL("./main.ts", import.meta.url))], {
      env: { ...process.env, DATABASE_URL: t.url!, BLOB_DIR: blobs.dir, LOUPE_WORKER_POLL_MS: String(POLL_MS), LOUPE_WORKER_CONCURRENCY: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the worker did not start listening: ${out}`)), 60_000);
      child!.stdout!.on("data", (d: Buffer) => {
        out += d.toString();
        if (out.includes("listening for new cases")) {
          clearTimeout(timer);
          resolve();
        }
      });
      child!.stderr!.on("data", (d: Buffer) => (out += d.toString()));
      child!.once("exit", (code) => reject(new Error(`the worker exited (${code}): ${out}`)));
    });
    for (let seed = 10; seed < 13; seed++) {
      const { claimed } = await listenForClaim(t);
      const c = await submit(t, editor, seed);
      expect(await claimDelay(t, c.id, claimed)).toBeLessThan(WAKE_LIMIT_MS);
      // The next case arrives while the worker is idle again.
      for (let i = 0; i < 600; i++) {
        const [row] = await t.db.select({ state: cases.state }).from(cases).where(eq(cases.id, c.id));
        if (row!.state === "quarantined" || row!.state === "cleared") break;
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  });
});
