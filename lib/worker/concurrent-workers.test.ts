// Several workers, each with its own connection pool (as separate processes would have), on one
// PostgreSQL: every case is claimed and scanned exactly once. PostgreSQL only: PGlite is
// single-process by design, so there is nothing to race there.
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDb, type DbHandle } from "../../db";
import { auditEvents, cases, detections, users } from "../../db/schema";
import { submitImage } from "../cases/submit-image";
import { makeJpeg } from "../detection/testing";
import { newId } from "../ids";
import { createPostgresTestDb, serverUrl, useTempBlobStore, type TestDb } from "../testing/test-db";
import { ensureDefaultPolicy } from "../bootstrap";
import { startWorker } from "./worker";

describe.skipIf(!serverUrl)("concurrent workers on PostgreSQL (needs DATABASE_URL)", () => {
  let t: TestDb;
  const pools: DbHandle[] = [];
  let blobs: Awaited<ReturnType<typeof useTempBlobStore>>;

  beforeAll(async () => {
    t = await createPostgresTestDb(serverUrl!);
    blobs = await useTempBlobStore();
    await ensureDefaultPolicy(t.db);
    const userId = newId("user");
    await t.db.insert(users).values({ id: userId, email: "c@example.test", passwordHash: "x", role: "editor" });
    const actor = { type: "user" as const, id: userId, role: "editor" as const, email: "c@example.test" };
    for (let i = 0; i < 12; i++) {
      const bytes = await makeJpeg({ width: 96, height: 96, seed: 1000 + i });
      await submitImage({ ctx: { db: t.db, actor }, input: { bytes, filename: `c${i}.jpg`, source: "api" } });
    }
    for (let i = 0; i < 3; i++) pools.push(await openDb({ url: t.url!, migrate: false }));
  });
  afterAll(async () => {
    for (const p of pools) await p.close();
    await t?.cleanup();
    await blobs?.cleanup();
  });

  it("three workers drain 12 cases with exactly one claim and one detection per case", async () => {
    const workers = pools.map((p, i) =>
      startWorker({ db: p.db, concurrency: 2, leaseSeconds: 60, maxAttempts: 3, pollMs: 20, workerId: `wrk_test${i}`, log: () => {} }),
    );
    await Promise.all(workers.map((w) => w.drain()));
    await Promise.all(workers.map((w) => w.stop()));
    const rows = await t.db.select().from(cases);
    expect(rows).toHaveLength(12);
    for (const row of rows) {
      expect(row.state).toMatch(/^(quarantined|cleared)$/);
      expect(row.attempts).toBe(1);
    }
    const perCase = await t.db
      .select({ caseId: detections.caseId, n: sql<number>`count(*)::int` })
      .from(detections)
      .groupBy(detections.caseId);
    expect(perCase).toHaveLength(12);
    expect(perCase.every((r) => r.n === 1)).toBe(true);
    const claims = await t.db.select().from(auditEvents).where(eq(auditEvents.action, "case.transition"));
    const claimed = claims.filter((e) => (e.data as { reason: string }).reason === "claimed");
    expect(claimed).toHaveLength(12);
    expect(new Set(claimed.map((e) => e.caseId)).size).toBe(12);
    // The work really was shared.
    expect(new Set(claimed.map((e) => e.actorId)).size).toBeGreaterThan(1);
  });
});
