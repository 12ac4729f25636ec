// Wake-ups for the webhook dispatchers: whatever makes a delivery due (a new outbox row, a replay, an
// endpoint re-enabled) announces it with NOTIFY in its own transaction, so every dispatcher, in every
// process, claims at the commit instead of at its next poll (LOUPE_WEBHOOK_POLL_MS, the safety net).
import { sql } from "drizzle-orm";
import type { Tx } from "../../db";

/** The PostgreSQL channel (PGlite has LISTEN/NOTIFY too); the payload is empty: dispatchers just claim. */
export const WEBHOOK_OUTBOX_CHANNEL = "loupe_webhook_outbox";

/** Announces, on commit, that deliveries may be due; dropped on rollback like the rows it announces. */
export async function notifyOutbox(tx: Tx): Promise<void> {
  await tx.execute(sql`select pg_notify(${WEBHOOK_OUTBOX_CHANNEL}, '')`);
}
