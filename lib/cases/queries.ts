// Read helpers for pages and the API. They take `db | tx` explicitly.
import { and, asc, desc, eq, inArray, isNull, ne, sql, type SQL } from "drizzle-orm";
import type { DbOrTx } from "../../db";
import { AppError } from "../errors";
import { caseNotesOf } from "./case-notes";
import { auditEvents, cases, decisions, detections, images, policies, users, type CaseState } from "../../db/schema";

/** Every case state, in the order the queue lists them (those needing a person first). */
export const QUEUE_STATES = ["quarantined", "manual_review", "cleared", "pending_scan", "scanning", "retry_pending", "reviewed"] as const satisfies readonly CaseState[];

export interface ListCasesOptions {
  states?: CaseState[];
  /** Only cases with this caller-supplied reference (index cases_external_ref_idx). */
  externalRef?: string;
  limit?: number;
  /** Opaque cursor from a previous page (`encodeCursor`). */
  cursor?: string;
}

/**
 * A position in the newest-first list: the row's created_at to the microsecond (as PostgreSQL stores
 * it; a JavaScript Date would truncate it to milliseconds and skip rows created in the same
 * millisecond) and its id, which breaks ties.
 */
interface CursorPosition {
  at: string;
  id: string;
}

const CURSOR_AT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
const CURSOR_ID = /^case_[0-9a-z]{1,64}$/;

export function encodeCursor(p: CursorPosition): string {
  return Buffer.from(`${p.at}|${p.id}`, "utf8").toString("base64url");
}

/** The position in a cursor, or null when it is not one this module wrote. */
export function decodeCursor(cursor: string): CursorPosition | null {
  const [at, id, ...rest] = Buffer.from(cursor, "base64url").toString("utf8").split("|");
  if (rest.length || !at || !id || !CURSOR_AT.test(at) || !CURSOR_ID.test(id)) return null;
  const year = Number(at.slice(0, 4));
  return year >= 2000 && year <= 9999 ? { at, id } : null;
}

/** created_at as UTC text with all six fractional digits: the exact value, for cursors. */
const createdAtText = sql<string>`to_char(${cases.createdAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

export async function listCases(db: DbOrTx, opts: ListCasesOptions = {}) {
  const limit = Math.min(Math.max(opts.limit ?? 50, 1), 200);
  // Deleted cases (lib/cases/delete-case.ts) are gone from every list.
  const where: SQL[] = [isNull(cases.deletedAt)];
  if (opts.externalRef !== undefined) where.push(eq(cases.externalRef, opts.externalRef));
  if (opts.states?.length) where.push(inArray(cases.state, opts.states));
  if (opts.cursor) {
    const pos = decodeCursor(opts.cursor);
    if (!pos) throw new AppError("invalid_request", "The cursor is not one this API returned.", { param: "cursor" });
    where.push(sql`(${cases.createdAt}, ${cases.id}) < (${pos.at}::timestamptz, ${pos.id})`);
  }
  const rows = await db
    .select({ case: cases, image: images, at: createdAtText })
    .from(cases)
    .innerJoin(images, eq(images.id, cases.imageId))
    .where(and(...where))
    .orderBy(desc(cases.createdAt), desc(cases.id))
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    items: page.map(({ case: c, image }) => ({ case: c, image })),
    nextCursor: rows.length > limit && last ? encodeCursor({ at: last.at, id: last.case.id }) : null,
  };
}

export async function getCaseDetail(db: DbOrTx, id: string) {
  const [row] = await db
    .select({ case: cases, image: images, policy: policies, submitter: { id: users.id, email: users.email } })
    .from(cases)
    .innerJoin(images, eq(images.id, cases.imageId))
    .innerJoin(policies, eq(policies.id, cases.policyId))
    .leftJoin(users, eq(users.id, cases.submitterId))
    .where(and(eq(cases.id, id), isNull(cases.deletedAt)));
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
  const notes = await caseNotesOf(db, id);
  return { ...row, detection: detection ?? null, scans, decisions: caseDecisions, notes, history };
}

export type CaseDetail = NonNullable<Awaited<ReturnType<typeof getCaseDetail>>>;

/** The oldest case still waiting for a human (quarantined or manual review), other than `excludeId`. */
export async function nextCaseToReview(db: DbOrTx, excludeId: string): Promise<string | null> {
  const [row] = await db
    .select({ id: cases.id })
    .from(cases)
    .where(and(inArray(cases.state, ["manual_review", "quarantined"]), ne(cases.id, excludeId), isNull(cases.deletedAt)))
    .orderBy(asc(cases.createdAt))
    .limit(1);
  return row?.id ?? null;
}
