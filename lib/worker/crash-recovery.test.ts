// A worker killed mid-scan (real child process, SIGKILL) must not lose or strand its case: after
// the lease expires another worker completes it, with exactly one detection row.
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { eq } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { openDb, type DbHandle } from "../../db";
import { auditEvents, cases, detections, users } from "../../db/schema";
import { ensureDefaultPolicy } from "../bootstrap";
import { submitImage } from "../cases/submit-image";
import { makeJpeg } from "../detection/testing";
import { newId } from "../ids";
import { createPostgresTestDb, serverUrl, TEST_DB_KINDS, useTempBlobStore, type TestDb } from "../testing/test-db";
import { startWorker } from "./worker";

const LEASE_SECONDS = 2;

function runDoomedWorker(env: Record<string, string>): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", fileURLToPath(new URL("./testing/hanging-worker.ts", import.meta.url))], {
      env: { ...process.env, ...env, CHILD_LEASE_SECONDS: String(LEASE_SECONDS) },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`child never claimed the case: ${stderr}`));
    }, 60_000);
    child.stderr.on("data", (d) => (stderr += d));
    child.stdout.on("data", (d: Buffer) => {
      if (d.toString().includes("CLAIMED")) {
        child.kill("SIGKILL");
      }
    });
    child.on("exit", (_code, signal) => {
      clearTimeout(timer);
      if (signal === "SIGKILL") resolve();
      else reject(new Error(`child exited without being killed: ${stderr}`));
    });
  });
}

describe.each(TEST_DB_KINDS)("crash recovery on %s", (kind) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c();
  });

  it("completes a case whose worker was SIGKILLed mid-scan, with exactly one detection", async () => {
    const blobs = await useTempBlobStore();
    cleanups.push(blobs.cleanup);
    let pgDir: string | undefined;
    let server: TestDb | undefined;
    let handle: DbHandle;
    if (kind === "postgres") {
      server = await createPostgresTestDb(serverUrl!);
      cleanups.push(server.cleanup);
      handle = server;
    } else {
      pgDir = await mkdtemp(path.join(os.tmpdir(), "loupe-pglite-"));
      cleanups.push(() => rm(pgDir!, { recursive: true, force: true }));
      handle = await openDb({ pgliteDir: pgDir });
    }
    await ensureDefaultPolicy(handle.db);
    const userId = newId("user");
    await handle.db.insert(users).values({ id: userId, email: "e@example.test", passwordHash: "x", role: "editor" });
    const bytes = await makeJpeg({ width: 256, height: 256, seed: 7 });
    const { case: c } = await submitImage({
      ctx: { db: handle.db, actor: { type: "user", id: userId, role: "editor", email: "e@example.test" } },
      input: { bytes, filename: "victim.jpg", source: "upload" },
    });

    // PGlite is single-process: hand the directory to the child while it runs.
    if (pgDir) await handle.close();
    await runDoomedWorker({
      BLOB_DIR: blobs.dir,
      ...(server ? { CHILD_DATABASE_URL: server.url! } : { CHILD_PGLITE_DIR: pgDir! }),
    });
    if (pgDir) {
      handle = await openDb({ pgliteDir: pgDir });
      cleanups.push(() => handle.close());
    }

    const [stranded] = await handle.db.select().from(cases).where(eq(cases.id, c.id));
    expect(stranded!.state).toBe("scanning");
    expect(stranded!.leaseOwner).toBe("wrk_doomed");
    expect(stranded!.attempts).toBe(1);

    // Before expiry nobody may take the case; after it, a healthy worker resumes it.
    const wait = stranded!.leaseExpiresAt!.getTime() - Date.now() + 250;
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const worker = startWorker({ db: handle.db, concurrency: 1, leaseSeconds: 60, maxAttempts: 3, pollMs: 50, log: () => {} });
    await worker.drain();
    await worker.stop();

    const [done] = await handle.db.select().from(cases).where(eq(cases.id, c.id));
    expect(["quarantined", "cleared"]).toContain(done!.state);
    expect(done!.attempts).toBe(2);
    expect(done!.leaseOwner).toBeNull();
    const dets = await handle.db.select().from(detections).where(eq(detections.caseId, c.id));
    expect(dets).toHaveLength(1);
    expect(dets[0]!.attempt).toBe(2);
    const trail = await handle.db.select().from(auditEvents).where(eq(auditEvents.caseId, c.id));
    const reasons = trail.filter((e) => e.action === "case.transition").map((e) => (e.data as { reason: string }).reason);
    expect(reasons).toEqual(["claimed", "lease_expired_reclaimed", "scan_completed"]);
  });
});
