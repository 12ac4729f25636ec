// A process on PGlite killed mid-scan: when the next opens the database, the scan resumes at once
// rather than when the dead worker's lease would have run out (db/pglite-lock.ts makes the previous
// process certainly gone).
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { eq } from "drizzle-orm";
import { afterAll, expect, it } from "vitest";
import { openDb } from "../../db";
import { auditEvents, cases, detections, users } from "../../db/schema";
import { ensureDefaultPolicy } from "../bootstrap";
import { submitImage } from "../cases/submit-image";
import { makeJpeg } from "../detection/testing";
import { newId } from "../ids";
import { useTempBlobStore } from "../testing/test-db";
import { expireOrphanedLeases, resumeInterruptedScans } from "./orphaned-leases";
import { startWorker } from "./worker";

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

/** hanging-worker.ts claims a case with a 10-minute lease and hangs; it is SIGKILLed once it has. */
function claimAndDie(env: Record<string, string>): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", fileURLToPath(new URL("./testing/hanging-worker.ts", import.meta.url))], {
      env: { ...process.env, ...env, CHILD_LEASE_SECONDS: "600" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    child.stdout.on("data", (d: Buffer) => d.toString().includes("CLAIMED") && child.kill("SIGKILL"));
    child.on("exit", (_code, signal) => (signal === "SIGKILL" ? resolve() : reject(new Error(`child exited without being killed: ${stderr}`))));
  });
}

it("on PGlite, resumes a scan whose process was killed as soon as the database is opened again", { timeout: 120_000 }, async () => {
  const blobs = await useTempBlobStore();
  cleanups.push(blobs.cleanup);
  const pgDir = await mkdtemp(path.join(os.tmpdir(), "loupe-pglite-"));
  cleanups.push(() => rm(pgDir, { recursive: true, force: true }));
  let handle = await openDb({ pgliteDir: pgDir });
  await ensureDefaultPolicy(handle.db);
  const userId = newId("user");
  await handle.db.insert(users).values({ id: userId, email: "e@example.test", passwordHash: "x", role: "editor" });
  const actor = { type: "user" as const, id: userId, role: "editor" as const, email: "e@example.test" };
  const { case: c } = await submitImage({ ctx: { db: handle.db, actor }, input: { bytes: await makeJpeg({ width: 256, height: 256, seed: 11 }), filename: "victim.jpg", source: "upload" } });
  await handle.close();

  await claimAndDie({ BLOB_DIR: blobs.dir, CHILD_PGLITE_DIR: pgDir });
  handle = await openDb({ pgliteDir: pgDir });
  cleanups.push(() => handle.close());
  const [stranded] = await handle.db.select().from(cases).where(eq(cases.id, c.id));
  expect(stranded).toMatchObject({ state: "scanning", leaseOwner: "wrk_doomed", attempts: 1 });
  expect(stranded!.leaseExpiresAt!.getTime()).toBeGreaterThan(Date.now() + 500_000);

  // Without it, nobody may take the case for ten minutes.
  const idle = startWorker({ db: handle.db, concurrency: 1, leaseSeconds: 60, maxAttempts: 3, pollMs: 50, log: () => {} });
  await idle.drain();
  await idle.stop();
  expect((await handle.db.select().from(cases).where(eq(cases.id, c.id)))[0]!.state).toBe("scanning");

  const started = Date.now();
  await resumeInterruptedScans(handle);
  const worker = startWorker({ db: handle.db, concurrency: 1, leaseSeconds: 60, maxAttempts: 3, pollMs: 50, log: () => {} });
  await worker.drain();
  await worker.stop();
  expect(Date.now() - started).toBeLessThan(60_000);
  const [done] = await handle.db.select().from(cases).where(eq(cases.id, c.id));
  expect(["quarantined", "cleared"]).toContain(done!.state);
  expect(done).toMatchObject({ attempts: 2, leaseOwner: null });
  expect(await handle.db.select().from(detections).where(eq(detections.caseId, c.id))).toHaveLength(1);
  const trail = await handle.db.select().from(auditEvents).where(eq(auditEvents.caseId, c.id));
  const reasons = trail.filter((e) => e.action === "case.transition").map((e) => (e.data as { reason: string }).reason);
  expect(reasons).toEqual(["claimed", "lease_expired_reclaimed", "scan_completed"]);
  // Nothing left to end.
  expect(await expireOrphanedLeases(handle.db)).toBe(0);
});
