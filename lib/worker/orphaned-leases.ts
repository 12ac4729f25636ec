// Leases left by a process that stopped mid-scan, ended at once where nobody else can hold one.
//
// A worker that dies mid-scan leaves its case `scanning` under a lease that expires LOUPE_LEASE_SECONDS
// (120 s by default) after it was taken or last renewed; until then no worker may take the case, since
// on PostgreSQL the lease's owner may be alive in another process. On PGlite it cannot be: the
// database belongs to one process at a time (db/pglite-lock.ts), so when a process opens it, every
// lease in it belongs to a process that has gone. Ending them then lets this process's worker take
// those cases over on its first claim (as `lease_expired_reclaimed`, the attempt counted), instead of
// two minutes after a restart.
import { and, eq, gt, sql } from "drizzle-orm";
import type { Db, DbHandle } from "../../db";
import { cases } from "../../db/schema";

/** Ends the unexpired leases of `scanning` cases; returns how many. Only for a database no other process can hold. */
export async function expireOrphanedLeases(db: Db): Promise<number> {
  const rows = await db
    .update(cases)
    .set({ leaseExpiresAt: sql`now()` })
    .where(and(eq(cases.state, "scanning"), gt(cases.leaseExpiresAt, sql`now()`)))
    .returning({ id: cases.id });
  return rows.length;
}

/** At a worker's start: on PGlite, end the leases of the scans its previous process left, and say so. */
export async function resumeInterruptedScans(handle: DbHandle): Promise<void> {
  if (handle.kind !== "pglite") return;
  const n = await expireOrphanedLeases(handle.db);
  if (n > 0) console.log(`[loupe] ${n} scan${n === 1 ? "" : "s"} interrupted when this database's previous process stopped: resuming now`);
}
