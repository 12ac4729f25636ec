// Route-driven scanning: the time-budgeted run claims with the same leases as the long-running
// worker, stops when the queue is empty or the budget is spent, and the route's request handling
// (secret, budget parameter, JSON answer) around it.
import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { auditEvents, cases, detections } from "../../db/schema";
import { submitImage } from "../cases/submit-image";
import type { Actor } from "../context";
import { makeJpeg } from "../detection/testing";
import { WORKER_RUN_MAX_BUDGET_MS } from "../limits";
import { createTestDb, insertTestUser, TEST_DB_KINDS, useTempBlobStore, type TestDb } from "../testing/test-db";
import { claimCase } from "./claim-case";
import { runWorkerBudget } from "./run-worker-budget";
import { workerRunResponse } from "./worker-run-request";

const SECRET = "s".repeat(40);

describe.each(TEST_DB_KINDS)("worker run with a time budget on %s", (kind) => {
  let t: TestDb;
  let blobs: Awaited<ReturnType<typeof useTempBlobStore>>;
  let editor: Actor;
  beforeEach(async () => {
    t = await createTestDb(kind);
    blobs = await useTempBlobStore();
    editor = await insertTestUser(t.db, "editor");
  });
  afterEach(async () => {
    await t?.cleanup();
    await blobs?.cleanup();
  });

  const submit = async (seed: number) =>
    (await submitImage({ ctx: { db: t.db, actor: editor }, input: { bytes: await makeJpeg({ width: 96, height: 96, seed }), filename: `b${seed}.jpg`, source: "api" } })).case;
  const opts = { concurrency: 2, leaseSeconds: 60, maxAttempts: 3, log: () => {} };

  it("scans every claimable case once, leaves a case leased by another worker alone, and stops when the queue is empty", async () => {
    const ids: string[] = [];
    for (let seed = 1; seed <= 4; seed++) ids.push((await submit(seed)).id);
    const held = await claimCase(t.db, { workerId: "wrk_elsewhere", leaseSeconds: 60, maxAttempts: 3 });
    expect(held!.id).toBe(ids[0]);

    const summary = await runWorkerBudget({ db: t.db, budgetMs: 60_000, ...opts });
    expect(summary.stoppedBecause).toBe("empty");
    expect(summary.cases.map((c) => c.caseId).sort()).toEqual(ids.slice(1).sort());
    for (const c of summary.cases) {
      expect(c.outcome).toBe("completed");
      expect(["quarantined", "cleared"]).toContain(c.state);
    }
    const rows = await t.db.select().from(cases);
    expect(rows.find((r) => r.id === ids[0])!.state).toBe("scanning");
    expect(rows.find((r) => r.id === ids[0])!.leaseOwner).toBe("wrk_elsewhere");
    for (const id of ids.slice(1)) {
      const row = rows.find((r) => r.id === id)!;
      expect(row.state).toBe(summary.cases.find((c) => c.caseId === id)!.state);
      expect(await t.db.select().from(detections).where(eq(detections.caseId, id))).toHaveLength(1);
      const claims = (await t.db.select().from(auditEvents).where(eq(auditEvents.caseId, id))).filter((e) => e.data.reason === "claimed");
      expect(claims.map((e) => e.actorId)).toEqual([summary.workerId]);
    }
  });

  it("claims nothing once the budget is spent", async () => {
    const c = await submit(9);
    const summary = await runWorkerBudget({ db: t.db, budgetMs: 0, ...opts });
    expect(summary).toMatchObject({ stoppedBecause: "budget", cases: [] });
    const [row] = await t.db.select().from(cases).where(eq(cases.id, c.id));
    expect(row!.state).toBe("pending_scan");
  });

  it("answers the route: 404 without a configured secret, 401 without the right one, the work done as JSON", async () => {
    const c = await submit(11);
    const deps = { db: async () => t.db, ...opts };
    const post = (auth: string | null, query = "") =>
      workerRunResponse(new Request(`http://loupe.test/api/worker/run${query}`, { method: "POST", headers: auth ? { authorization: auth } : {} }), { ...deps, secret: SECRET });

    const unset = await workerRunResponse(new Request("http://loupe.test/api/worker/run", { method: "POST", headers: { authorization: `Bearer ${SECRET}` } }), { ...deps, secret: undefined });
    expect(unset.status).toBe(404);
    expect((await unset.json()).error.code).toBe("not_found");
    for (const auth of [null, "Bearer wrong-secret", `Basic ${SECRET}`, `Bearer ${SECRET}x`]) {
      const res = await post(auth);
      expect(res.status).toBe(401);
      expect((await res.json()).error.code).toBe("unauthenticated");
    }
    const bad = await post(`Bearer ${SECRET}`, "?budget_ms=soon");
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.param).toBe("budget_ms");
    // Nothing was scanned by the refused requests.
    expect((await t.db.select().from(cases).where(eq(cases.id, c.id)))[0]!.state).toBe("pending_scan");

    const ok = await post(`Bearer ${SECRET}`, `?budget_ms=${WORKER_RUN_MAX_BUDGET_MS * 10}`);
    expect(ok.status).toBe(200);
    const body = await ok.json();
    expect(body).toMatchObject({ stopped_because: "empty", scanned: 1, cases: [{ case_id: c.id, attempt: 1, outcome: "completed" }] });
    expect(body.worker_id).toMatch(/^wrk_/);
    expect(["quarantined", "cleared"]).toContain(body.cases[0].state);
  });
});
