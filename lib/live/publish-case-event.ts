import { sql } from "drizzle-orm";
import type { Tx } from "../../db";
import { caseEvents, type Case } from "../../db/schema";
import { CASE_EVENTS_CHANNEL } from "./case-event";
import { caseEventNotice } from "./queries";

// Arbitrary constant (next to the migration lock's in db/index.ts): serialises event ids with commits.
const CASE_EVENT_LOCK_KEY = 4_242_002;

/**
 * Records a case's new state as a `case_events` row and announces it with NOTIFY, inside the
 * transaction that changed the case: PostgreSQL delivers the notice on commit and drops it on
 * rollback, so listeners never see a state that did not happen.
 *
 * The transaction-scoped advisory lock makes event ids follow commit order: a transaction takes an
 * id only after the previous holder has committed or rolled back. Without it a transaction could
 * take id 5, commit after the one holding id 6, and a client that had seen 6 would ask for "after 6"
 * on reconnect and never get 5. The lock is held from here to the commit; every caller does little
 * after the transition (an audit row, a detection row).
 */
export async function publishCaseEvent(tx: Tx, c: Case): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(${CASE_EVENT_LOCK_KEY})`);
  const [row] = await tx
    .insert(caseEvents)
    .values({ caseId: c.id, state: c.state, verdict: c.verdict, score: c.score, submitterId: c.submitterId, caseUpdatedAt: c.updatedAt })
    .returning();
  const notice = caseEventNotice(row!);
  // Well under NOTIFY's 8000-byte payload limit: ids, an enum, a number and a timestamp.
  await tx.execute(sql`select pg_notify(${CASE_EVENTS_CHANNEL}, ${JSON.stringify(notice)})`);
}
