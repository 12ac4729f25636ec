// The outbox: webhook deliveries are written in the same transaction as the state change they
// report, so a change that rolls back leaves no delivery behind, and a committed one always has them.
import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { cases, detections, webhookDeliveries, webhookEndpoints, type WebhookDelivery } from "../../db/schema";
import type { Actor } from "../context";
import { addCaseNote } from "../cases/case-notes";
import { decideCase } from "../cases/decide-case";
import { makeJpeg } from "../detection/testing";
import { createJob } from "../jobs/create-job";
import { getJob } from "../jobs/queries";
import { jobDto } from "../api/dto";
import { createTestDb, insertTestUser, TEST_DB_KINDS, useTempBlobStore, type TestDb } from "../testing/test-db";
import { insertTestApiKey, primeReport, reuseReport } from "../testing/webhook-fixtures";
import { claimCase } from "../worker/claim-case";
import { scanCase, type DetectFn } from "../worker/scan-case";
import { startWorker } from "../worker/worker";
import { createWebhookEndpoint } from "./create-webhook-endpoint";
import { emitScanCompleted, type WebhookBody } from "./events";

// Public literal addresses: registration checks them without DNS, and nothing here sends.
const KEY_HOOK = "https://93.184.215.14/key-hook";
const JOB_HOOK = "https://93.184.215.14/job-hook";

describe.each(TEST_DB_KINDS)("webhook outbox on %s", (kind) => {
  let t: TestDb;
  let blobs: Awaited<ReturnType<typeof useTempBlobStore>>;
  let key: Extract<Actor, { type: "api_key" }>;
  let moderator: Actor;

  beforeEach(async () => {
    t = await createTestDb(kind);
    blobs = await useTempBlobStore();
    const editor = await insertTestUser(t.db, "editor");
    moderator = await insertTestUser(t.db, "moderator");
    key = await insertTestApiKey(t.db, editor);
    await primeReport(await makeJpeg({ width: 96, height: 96, seed: 4242 }));
  });
  afterEach(async () => {
    await t?.cleanup();
    await blobs?.cleanup();
  });

  const scanAll = async (detect: DetectFn, maxAttempts = 3) => {
    const worker = startWorker({ db: t.db, concurrency: 1, leaseSeconds: 60, maxAttempts, pollMs: 50, detect, log: () => {} });
    await worker.drain();
    await worker.stop();
  };
  const deliveries = () => t.db.select().from(webhookDeliveries).orderBy(webhookDeliveries.createdAt, webhookDeliveries.event);
  const bodyOf = (d: WebhookDelivery) => JSON.parse(d.body) as WebhookBody;
  const newJob = async (seed: number, webhookUrl?: string) =>
    createJob({ ctx: { db: t.db, actor: key }, input: { bytes: await makeJpeg({ width: 80, height: 80, seed }), filename: "j.jpg", externalRef: `ref-${seed}`, webhookUrl, metadata: { upload: seed } } });

  it("a completed scan writes detection, case and job events for the key's endpoints and the job's URL", async () => {
    const all = await createWebhookEndpoint({ ctx: { db: t.db, actor: { type: "system" } }, input: { apiKeyId: key.id, url: KEY_HOOK } });
    const onlyFailures = await createWebhookEndpoint({ ctx: { db: t.db, actor: { type: "system" } }, input: { apiKeyId: key.id, url: `${KEY_HOOK}/failed`, events: ["job.failed"] } });
    const job = await newJob(1, JOB_HOOK);
    expect(job.webhookSecret).toMatch(/^whsec_/);
    expect(await deliveries()).toHaveLength(0);

    await scanAll(reuseReport);

    const [c] = await t.db.select().from(cases).where(eq(cases.id, job.case.id));
    const [det] = await t.db.select().from(detections).where(eq(detections.caseId, job.case.id));
    const rows = await deliveries();
    const [jobEndpoint] = await t.db.select().from(webhookEndpoints).where(eq(webhookEndpoints.jobId, job.job.id));
    const to = (endpointId: string) => rows.filter((r) => r.endpointId === endpointId).map((r) => r.event).sort();
    expect(to(all.endpoint.id)).toEqual(["detection.completed", `case.${c!.state}`, "job.completed"].sort());
    expect(to(onlyFailures.endpoint.id)).toEqual([]);
    expect(to(jobEndpoint!.id)).toEqual(["job.completed"]);
    // One event, one id, whichever endpoint hears it.
    const jobEvents = rows.filter((r) => r.event === "job.completed");
    expect(new Set(jobEvents.map((r) => r.eventId)).size).toBe(1);
    const body = bodyOf(jobEvents[0]!);
    expect(body).toMatchObject({ id: jobEvents[0]!.eventId, type: "job.completed" });
    const sent = body.data.job as ReturnType<typeof jobDto>;
    expect(sent).toMatchObject({ id: job.job.id, status: "completed", case_id: job.case.id, external_ref: "ref-1", metadata: { upload: 1 }, error: null });
    expect(sent.result?.detection.id).toBe(det!.id);
    expect(sent.result?.detection.score).toBe(det!.score);
    const detectionEvent = bodyOf(rows.find((r) => r.event === "detection.completed")!);
    expect((detectionEvent.data.detection as { id: string }).id).toBe(det!.id);
    expect((detectionEvent.data.case as { id: string }).id).toBe(job.case.id);
  });

  it("a transaction that rolls back leaves no outbox row", async () => {
    await createWebhookEndpoint({ ctx: { db: t.db, actor: { type: "system" } }, input: { apiKeyId: key.id, url: KEY_HOOK } });
    const job = await newJob(2);
    await scanAll(reuseReport);
    const [c] = await t.db.select().from(cases).where(eq(cases.id, job.case.id));
    const [det] = await t.db.select().from(detections).where(eq(detections.caseId, job.case.id));
    const before = (await deliveries()).length;
    expect(before).toBeGreaterThan(0);
    await expect(
      t.db.transaction(async (tx) => {
        await emitScanCompleted(tx, c!, det!, job.job);
        expect((await tx.select().from(webhookDeliveries)).length).toBeGreaterThan(before);
        throw new Error("rolled back");
      }),
    ).rejects.toThrow("rolled back");
    expect(await deliveries()).toHaveLength(before);
  });

  it("a scan whose lease was lost commits neither its result nor its events", async () => {
    await createWebhookEndpoint({ ctx: { db: t.db, actor: { type: "system" } }, input: { apiKeyId: key.id, url: KEY_HOOK } });
    const job = await newJob(3, JOB_HOOK);
    const claimed = await claimCase(t.db, { workerId: "wrk_a", leaseSeconds: 60, maxAttempts: 3 });
    expect(claimed?.id).toBe(job.case.id);
    // Another worker took the case over while this one was scanning.
    await t.db.update(cases).set({ leaseOwner: "wrk_b" }).where(eq(cases.id, job.case.id));
    const result = await scanCase(t.db, claimed!, { workerId: "wrk_a", leaseSeconds: 60, maxAttempts: 3, detect: reuseReport });
    expect(result.kind).toBe("lease_lost");
    expect(await t.db.select().from(detections)).toHaveLength(0);
    expect(await deliveries()).toHaveLength(0);
  });

  it("a moderator's decision writes case.reviewed", async () => {
    await createWebhookEndpoint({ ctx: { db: t.db, actor: { type: "system" } }, input: { apiKeyId: key.id, url: KEY_HOOK, events: ["case.reviewed"] } });
    const job = await newJob(4);
    await scanAll(reuseReport);
    expect(await deliveries()).toHaveLength(0);
    const { decision } = await decideCase({ ctx: { db: t.db, actor: moderator }, input: { caseId: job.case.id, outcome: "authentic", note: "fine" } });
    const rows = await deliveries();
    expect(rows.map((r) => r.event)).toEqual(["case.reviewed"]);
    expect(bodyOf(rows[0]!).data).toMatchObject({ case: { id: job.case.id, state: "reviewed" }, decision: { id: decision.id, outcome: "authentic", note: "fine" } });
  });

  it("a note on the case writes case.note_added to the submitting key's endpoints", async () => {
    await createWebhookEndpoint({ ctx: { db: t.db, actor: { type: "system" } }, input: { apiKeyId: key.id, url: KEY_HOOK, events: ["case.note_added"] } });
    const job = await newJob(6);
    await scanAll(reuseReport);
    expect(await deliveries()).toHaveLength(0);
    const { note } = await addCaseNote({ ctx: { db: t.db, actor: moderator }, input: { caseId: job.case.id, body: "Please send the original file." } });
    const rows = await deliveries();
    expect(rows.map((r) => r.event)).toEqual(["case.note_added"]);
    expect(bodyOf(rows[0]!).data).toMatchObject({ case: { id: job.case.id }, note: { id: note.id, body: "Please send the original file.", via_api_key: false } });
  });

  it("a scan that gives up fails the job with a message for users, never the internal error", async () => {
    const job = await newJob(5, JOB_HOOK);
    const internal = 'relation "secret_table" does not exist at /srv/loupe/lib/x.ts:12';
    await scanAll(async () => {
      throw new Error(internal);
    }, 1);
    const found = await getJob(t.db, job.job.id);
    const dto = jobDto(found!.job, found!.case, { detection: found!.detection });
    expect(dto.status).toBe("failed");
    expect(dto.result).toBeNull();
    expect(dto.error?.code).toBe("scan_failed");
    expect(dto.error?.message).toContain(job.case.id);
    expect(JSON.stringify(dto)).not.toContain("secret_table");
    const rows = await deliveries();
    expect(rows.map((r) => r.event)).toEqual(["job.failed"]);
    expect(rows[0]!.body).not.toContain("secret_table");
    expect((bodyOf(rows[0]!).data.job as { status: string }).status).toBe("failed");
  });

  it("a job reads queued, then completed once scanned", async () => {
    const job = await newJob(6);
    const queued = await getJob(t.db, job.job.id);
    expect(jobDto(queued!.job, queued!.case, { detection: queued!.detection }).status).toBe("queued");
    await scanAll(reuseReport);
    const done = await getJob(t.db, job.job.id);
    const dto = jobDto(done!.job, done!.case, { detection: done!.detection });
    expect(dto.status).toBe("completed");
    expect(dto.result?.detection.verdict).toBe((await primeReport(Buffer.alloc(0))).verdict);
  });
});
