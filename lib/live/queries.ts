// Read helpers for the live stream.
import { and, asc, eq, gt, max } from "drizzle-orm";
import type { DbOrTx } from "../../db";
import { caseEvents, type CaseEvent } from "../../db/schema";
import { mayWatchCase, type CaseEventNotice, type Watcher } from "./case-event";

export function caseEventNotice(row: CaseEvent): CaseEventNotice {
  return {
    id: row.id,
    case_id: row.caseId,
    state: row.state,
    verdict: row.verdict,
    score: row.score,
    updated_at: row.caseUpdatedAt.toISOString(),
    submitter_id: row.submitterId,
  };
}

/** The newest event id, 0 when there is none: where a new stream starts. */
export async function lastCaseEventId(db: DbOrTx): Promise<number> {
  const [row] = await db.select({ id: max(caseEvents.id) }).from(caseEvents);
  return Number(row?.id ?? 0);
}

/** The events after `afterId` that `watcher` may see, oldest first (a reconnecting stream's backlog). */
export async function caseEventsAfter(db: DbOrTx, afterId: number, watcher: Watcher, limit: number): Promise<CaseEventNotice[]> {
  const own = mayWatchCase(watcher, null) ? undefined : eq(caseEvents.submitterId, watcher.userId);
  const rows = await db
    .select()
    .from(caseEvents)
    .where(and(gt(caseEvents.id, afterId), own))
    .orderBy(asc(caseEvents.id))
    .limit(limit);
  return rows.map(caseEventNotice);
}
