// Read helpers for pages and the API. They take `db | tx` explicitly.
import { and, asc, count, desc, eq, inArray, lt, ne, or, type SQL } from "drizzle-orm";
import type { DbOrTx } from "../../db";
import { auditEvents, cases, decisions, detections, images, policies, users, type CaseState } from "../../db/schema";

/** Every case state, in the order the queue lists them (those needing a person first). */
export const QUEUE_STATES = ["quarantined", "manual_review", "cleared", "pending_scan", "scanning", "retry_pending", "reviewed"] as const satisfies readonly CaseState[];

export interface ListCasesOptions {
  states?: CaseState[];
  limit?: number;
  /** Opaque cursor from a previous page: `<iso created_at>|<id>`. */
  cursor?: string;
}

export async function listCases(db: DbOrTx, opts: ListCasesOptions = {}) {
  const limit = Math.min(Math.max(opts.limit ?? 50, 1), 200);
  const where: SQL[] = [];
  if (opts.states?.length) where.push(inArray(cases.state, opts.states));
  if (opts.cursor) {
    const [iso, id] = opts.cursor.split("|");
    const at = new Date(iso ?? "");
    if (!Number.isNaN(at.getTime()) && id) where.push(or(lt(cases.createdAt, at), and(eq(cases.createdAt, at), lt(cases.id, id)))!);
  }
  const rows = await db
    .select({ case: cases, image: images })
    .from(cases)
    .innerJoin(images, eq(images.id, cases.imageId))
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(cases.createdAt), desc(cases.id))
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    items: page,
    nextCursor: rows.length > limit && last ? `${last.case.createdAt.toISOString()}|${last.case.id}` : null,
  };
}

export async function countCasesByState(db: DbOrTx): Promise<Record<CaseState, number>> {
  const rows = await db.select({ state: cases.state, n: count() }).from(cases).groupBy(cases.state);
  const out = Object.fromEntries(QUEUE_STATES.map((s) => [s, 0])) as Record<CaseState, number>;
  for (const r of rows) out[r.state] = Number(r.n);
  return out;
}

export async function getCaseDetail(db: DbOrTx, id: string) {
  const [row] = await db
    .select({ case: cases, image: images, policy: policies, submitter: { id: users.id, email: users.email } })
    .from(cases)
    .innerJoin(images, eq(images.id, cases.imageId))
    .innerJoin(policies, eq(policies.id, cases.policyId))
    .leftJoin(users, eq(users.id, cases.submitterId))
    .where(eq(cases.id, id));
  if (!row) return null;
  const [detection] = await db.select().from(detections).where(eq(detections.caseId, id)).orderBy(desc(detections.createdAt)).limit(1);
  // Every scan of the case, newest first: a rescan adds one, never replaces one.
  const scans = await db
    .select({ id: detections.id, scan: detections.scan, verdict: detections.verdict, score: detections.score, policy: detections.policy, engineVersion: detections.engineVersion, modelVersion: detections.modelVersion, createdAt: detections.createdAt })
    .from(detections)
    .where(eq(detections.caseId, id))
    .orderBy(desc(detections.createdAt));
  const caseDecisions = await db
    .select({ decision: decisions, reviewer: { id: users.id, email: users.email } })
    .from(decisions)
    .innerJoin(users, eq(users.id, decisions.reviewerId))
    .where(eq(decisions.caseId, id))
    .orderBy(asc(decisions.createdAt));
  const history = await db.select().from(auditEvents).where(eq(auditEvents.caseId, id)).orderBy(asc(auditEvents.createdAt));
  return { ...row, detection: detection ?? null, scans, decisions: caseDecisions, history };
}

export type CaseDetail = NonNullable<Awaited<ReturnType<typeof getCaseDetail>>>;

/** The oldest case still waiting for a human (quarantined or manual review), other than `excludeId`. */
export async function nextCaseToReview(db: DbOrTx, excludeId: string): Promise<string | null> {
  const [row] = await db
    .select({ id: cases.id })
    .from(cases)
    .where(and(inArray(cases.state, ["manual_review", "quarantined"]), ne(cases.id, excludeId)))
    .orderBy(asc(cases.createdAt))
    .limit(1);
  return row?.id ?? null;
}
