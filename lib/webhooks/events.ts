// The outbox's writer. Each function runs inside the transaction that makes the state change it
// reports (lib/worker/scan-case.ts, lib/worker/claim-case.ts, lib/cases/decide-case.ts): the
// delivery rows commit with the change or not at all. Sending is the dispatcher's job.
import { and, eq, isNull } from "drizzle-orm";
import type { Tx } from "../../db";
import { images, jobs, webhookDeliveries, webhookEndpoints, type Case, type Decision, type Detection, type Job, type WebhookEndpoint, type WebhookEvent } from "../../db/schema";
import { caseDto, detectionDto, jobDto } from "../api/dto";
import { newId } from "../ids";
import { notifyOutbox } from "./outbox-notice";

/** Events a job's own `webhook_url` receives; key endpoints receive every event they subscribe to. */
const JOB_EVENTS: readonly WebhookEvent[] = ["job.completed", "job.failed"];

const subscribed = (e: WebhookEndpoint, event: WebhookEvent) => e.events.length === 0 || e.events.includes(event);

/** The JSON body every delivery of one event carries. */
export interface WebhookBody {
  id: string;
  type: WebhookEvent;
  created_at: string;
  data: Record<string, unknown>;
}

/**
 * Writes one outbox row per endpoint that should hear about `event`: the endpoints of the API key
 * that submitted the case, and for job events the job's own `webhook_url`. Disabled endpoints are
 * skipped. Returns the event id (null when nobody listens). `data` may be a function: it is then
 * called (and what it reads read) only when somebody listens, which is most scans' case.
 */
export async function enqueueEvent(
  tx: Tx,
  input: {
    event: WebhookEvent;
    case: Case;
    job?: Job | null;
    data: Record<string, unknown> | (() => Promise<Record<string, unknown>>);
    /** The case's key's endpoints, when the caller already read them (keyEndpoints) for another event of the same change. */
    keyEndpoints?: WebhookEndpoint[];
  },
): Promise<string | null> {
  const own = input.keyEndpoints ?? (await keyEndpoints(tx, input.case));
  const targets = own.filter((e) => subscribed(e, input.event));
  if (input.job && JOB_EVENTS.includes(input.event)) {
    targets.push(...(await tx.select().from(webhookEndpoints).where(and(eq(webhookEndpoints.jobId, input.job.id), isNull(webhookEndpoints.disabledAt)))));
  }
  if (targets.length === 0) return null;
  const eventId = newId("webhookEvent");
  const data = typeof input.data === "function" ? await input.data() : input.data;
  const body: WebhookBody = { id: eventId, type: input.event, created_at: new Date().toISOString(), data };
  const json = JSON.stringify(body);
  await tx.insert(webhookDeliveries).values(
    targets.map((e) => ({ id: newId("webhookDelivery"), endpointId: e.id, eventId, event: input.event, caseId: input.case.id, body: json })),
  );
  await notifyOutbox(tx);
  return eventId;
}

/** The enabled endpoints of the API key that submitted the case (none for a case uploaded in the console). */
async function keyEndpoints(tx: Tx, c: Case): Promise<WebhookEndpoint[]> {
  if (!c.apiKeyId) return [];
  return tx
    .select()
    .from(webhookEndpoints)
    .where(and(eq(webhookEndpoints.apiKeyId, c.apiKeyId), isNull(webhookEndpoints.jobId), isNull(webhookEndpoints.disabledAt)));
}

/** The job a scan of this case belongs to, if the case was submitted as a job and this is its scan. */
async function jobOfScan(tx: Tx, c: Case): Promise<Job | null> {
  const [job] = await tx.select().from(jobs).where(and(eq(jobs.caseId, c.id), eq(jobs.scan, c.scan)));
  return job ?? null;
}

async function caseData(tx: Tx, c: Case) {
  const [image] = await tx.select().from(images).where(eq(images.id, c.imageId));
  return caseDto(c, image!);
}

/**
 * A scan finished: detection.completed, case.quarantined or case.cleared, and job.completed for a job.
 * `job`: the job of this scan (null: there is none), which the caller reads with the case it locks.
 */
export async function emitScanCompleted(tx: Tx, c: Case, detection: Detection, job: Job | null): Promise<void> {
  // The case's body (its image row read) once, and only for an event somebody listens to.
  let kase: Promise<ReturnType<typeof caseDto>> | null = null;
  const caseBody = () => (kase ??= caseData(tx, c));
  // The key's endpoints once for all of this scan's events: one statement less in every scan's
  // transaction (most have no endpoint to find).
  const endpoints = await keyEndpoints(tx, c);
  await enqueueEvent(tx, { event: "detection.completed", case: c, keyEndpoints: endpoints, data: async () => ({ case: await caseBody(), detection: detectionDto(detection, c.id) }) });
  if (c.state === "quarantined" || c.state === "cleared") {
    await enqueueEvent(tx, { event: c.state === "quarantined" ? "case.quarantined" : "case.cleared", case: c, keyEndpoints: endpoints, data: async () => ({ case: await caseBody() }) });
  }
  if (job) await enqueueEvent(tx, { event: "job.completed", case: c, job, keyEndpoints: endpoints, data: { job: jobDto(job, c, { detection }) } });
}

/** A scan gave up (the case went to manual review without a detection): job.failed for a job. */
export async function emitScanFailed(tx: Tx, c: Case): Promise<void> {
  const job = await jobOfScan(tx, c);
  if (job) await enqueueEvent(tx, { event: "job.failed", case: c, job, data: { job: jobDto(job, c, { detection: null }) } });
}

/** A moderator decided the case. */
export async function emitCaseReviewed(tx: Tx, c: Case, decision: Decision): Promise<void> {
  await enqueueEvent(tx, {
    event: "case.reviewed",
    case: c,
    data: async () => ({ case: await caseData(tx, c), decision: { id: decision.id, outcome: decision.outcome, note: decision.note, created_at: decision.createdAt.toISOString() } }),
  });
}

/** Someone wrote a note on the case (lib/cases/case-notes.ts): the submitting system can answer a moderator's question. */
export async function emitNoteAdded(tx: Tx, c: Case, note: Record<string, unknown>): Promise<void> {
  await enqueueEvent(tx, { event: "case.note_added", case: c, data: async () => ({ case: await caseData(tx, c), note }) });
}
