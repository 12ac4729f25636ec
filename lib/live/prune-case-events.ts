import { lt, sql } from "drizzle-orm";
import type { DbOrTx } from "../../db";
import { caseEvents } from "../../db/schema";
import { LIVE_EVENT_RETENTION_SECONDS } from "../limits";

/**
 * Deletes events older than the retention window. A client away for longer than that reconnects
 * with an id whose successors are partly gone; it gets what is left, and the pages reload their data
 * whenever the stream reconnects, so nothing stays stale.
 */
export async function pruneCaseEvents(db: DbOrTx, retentionSeconds = LIVE_EVENT_RETENTION_SECONDS): Promise<number> {
  const rows = await db
    .delete(caseEvents)
    .where(lt(caseEvents.createdAt, sql`now() - make_interval(secs => ${retentionSeconds})`))
    .returning({ id: caseEvents.id });
  return rows.length;
}
