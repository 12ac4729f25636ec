// 20 SIGKILLs of real worker processes while they scan a batch of 60 images: afterwards nothing is
// lost (every case is there), nothing is stuck (every case ends scanned), and every case has exactly
// one detection. PostgreSQL only: PGlite is single-process, so worker processes cannot share it.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditEvents, cases, detections } from "../../db/schema";
import { submitImage } from "../cases/submit-image";
import { makeJpeg } from "../detection/testing";
import { createPostgresTestDb, insertTestUser, serverUrl, useTempBlobStore, type TestDb } from "../testing/test-db";
import { startWorker } from "./worker";

const CASES = 60;
const KILLS = 20;
const CHILD_LEASE_SECONDS = 5;

/**
 * Starts `npm run worker`'s entry point and SIGKILLs it as soon as it holds a case's lease (it is
 * mid-scan), or after `maxMs` if it never claims one; resolves when it is dead.
 */
function killWorkerMidScan(db: TestDb["db"], maxMs: number, env: Record<string, string>): Promise<void> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx/esm", fileURLToPath(new URL("./main.ts", import.meta.url))], {
      env: { ...process.env, ...env },
      stdio: "ignore",
    });
    const started = Date.now();
    let done = false;
    const poll = async () => {
      // Leases held before this child started belong to workers already dead.
      const owners = async () => new Set((await db.select({ o: cases.leaseOwner }).from(cases).where(sql`${cases.state} = 'scanning'`)).map((r) => r.o));
      const before = await owners();
      while (!done) {
        const now = await owners();
        if ([...now].some((o) => o && !before.has(o)) || Date.now() - started > maxMs) return child.kill("SIGKILL");
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    void poll();
    child.on("exit", () => {
      done = true;
      resolve();
    });
  });
}

describe.skipIf(!serverUrl)("kill storm on PostgreSQL (needs DATABASE_URL)", () => {
  let t: TestDb;
  let blobs: Awaited<ReturnType<typeof useTempBlobStore>>;

  beforeAll(async () => {
    t = await createPostgresTestDb(serverUrl!);
    blobs = await useTempBlobStore();
    const { ensureDefaultPolicy } = await import("../bootstrap");
    await ensureDefaultPolicy(t.db);
    const actor = await insertTestUser(t.db, "editor");
    for (let i = 0; i < CASES; i++) {
      // Large enough that a scan takes a while: a kill lands inside it.
      await submitImage({ ctx: { db: t.db, actor }, input: { bytes: await makeJpeg({ width: 1600, height: 1200, seed: 3000 + i }), filename: `k${i}.jpg`, source: "api" } });
    }
  });
  afterAll(async () => {
    await t?.cleanup();
    await blobs?.cleanup();
  });

  it(`${KILLS} SIGKILLs mid-batch: 0 lost, 0 stuck, 1 detection per case`, async () => {
    const env = {
      DATABASE_URL: t.url!,
      BLOB_DIR: blobs.dir,
      LOUPE_LEASE_SECONDS: String(CHILD_LEASE_SECONDS),
      LOUPE_MAX_ATTEMPTS: "20",
      LOUPE_WORKER_CONCURRENCY: "2",
      LOUPE_WORKER_POLL_MS: "100",
      LOUPE_ADMIN_PASSWORD: "kill-storm-admin",
    };
    // One worker at a time, killed the moment it holds a lease: each kill lands mid-scan.
    for (let k = 0; k < KILLS; k++) await killWorkerMidScan(t.db, 30_000, env);
    // The leases of the dead workers expire; a healthy worker takes over whatever they left.
    await new Promise((res) => setTimeout(res, CHILD_LEASE_SECONDS * 1000 + 500));
    const worker = startWorker({ db: t.db, concurrency: 2, leaseSeconds: 60, maxAttempts: 20, pollMs: 50, workerId: "wrk_survivor", log: () => {} });
    await worker.drain();
    await worker.stop();

    const rows = await t.db.select().from(cases);
    expect(rows).toHaveLength(CASES);
    const notScanned = rows.filter((row) => !/^(quarantined|cleared)$/.test(row.state)).map((row) => ({ id: row.id, state: row.state }));
    expect(notScanned).toEqual([]);
    const perCase = await t.db.select({ caseId: detections.caseId, n: sql<number>`count(*)::int` }).from(detections).groupBy(detections.caseId);
    expect(perCase).toHaveLength(CASES);
    expect(perCase.filter((p) => p.n !== 1)).toEqual([]);
    // Every killed worker had claimed a case (fresh or left by an earlier victim) and died holding it.
    const moves = await t.db.select().from(auditEvents).where(eq(auditEvents.action, "case.transition"));
    const byKilled = moves.filter((e) => e.actorId !== "wrk_survivor" && (e.data.reason === "claimed" || e.data.reason === "lease_expired_reclaimed"));
    const reclaimed = moves.filter((e) => e.data.reason === "lease_expired_reclaimed");
    expect(byKilled.length).toBeGreaterThanOrEqual(KILLS);
    expect(reclaimed.length).toBeGreaterThan(0);
  }, 600_000);
});
