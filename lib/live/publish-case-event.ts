import { sql } from "drizzle-orm";
import type { Tx } from "../../db";
import type { Case } from "../../db/schema";
import { auditRowSql, type AuditInput } from "../audit";
import type { Actor } from "../context";
import { CASE_EVENTS_CHANNEL } from "./case-event";

// Arbitrary constant (next to the migration lock's in db/index.ts): serialises event ids with commits.
const CASE_EVENT_LOCK_KEY = 4_242_002;

/**
 * Records a case's new state as a `case_events` row and announces it with NOTIFY, inside the
 * transaction that changed the case: PostgreSQL delivers the notice on commit and drops it on
 * rollback, so listeners never see a state that did not happen. With `audit`, the change's audit row
 * is written by the same statement.
 *
 * The transaction-scoped advisory lock makes event ids follow commit order: a transaction takes an
 * id only after the previous holder has committed or rolled back. Without it a transaction could
 * take id 5, commit after the one holding id 6, and a client that had seen 6 would ask for "after 6"
 * on reconnect and never get 5. The lock is held from here to the commit; every caller does little
 * after the transition (a detection row, the webhook outbox).
 *
 * One statement, because every scanned image passes here three times (created, claimed, scanned)
 * and on PGlite each statement costs the server's main thread a few milliseconds: the event row
 * selects from the lock (so its id is drawn once the lock is held), and the notice is built from the
 * inserted row as caseEventNotice (lib/live/queries.ts) builds it from a row read back; a test holds
 * the two equal.
 */
export async function publishCaseEvent(tx: Tx, c: Case, audit?: { actor: Actor; input: AuditInput }): Promise<void> {
  await tx.execute(sql`
    with ${audit ? sql`audit as (${auditRowSql(audit.actor, audit.input)}),` : sql``}
    lock as (select pg_advisory_xact_lock(${CASE_EVENT_LOCK_KEY})),
    ev as (
      insert into case_events (case_id, state, verdict, score, submitter_id, case_updated_at)
      select ${c.id}, ${c.state}::case_state, ${c.verdict}::verdict, ${c.score}::real, ${c.submitterId}, ${c.updatedAt.toISOString()}::timestamptz
      from lock
      returning id, case_id, state, verdict, score, submitter_id, case_updated_at
    )
    select pg_notify(${CASE_EVENTS_CHANNEL}, json_build_object(
      'id', ev.id, 'case_id', ev.case_id, 'state', ev.state, 'verdict', ev.verdict, 'score', ev.score,
      'updated_at', to_char(ev.case_updated_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
      'submitter_id', ev.submitter_id
    )::text)
    from ev`);
}
