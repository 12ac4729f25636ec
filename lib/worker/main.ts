// `npm run worker`: a scan worker in its own process (scale-out). Several of these may run against
// one PostgreSQL; row leases keep them from scanning the same case twice.
import { getDbHandle, type DbHandle } from "../../db";
import { DatabaseInUseError } from "../../db/pglite-lock";
import { startScheduledBackups } from "../backup/start-scheduler";
import { bootstrap } from "../bootstrap";
import { describeError } from "../log";
import { START_RETRY_MS } from "./in-process";
import { startWebhookDispatcher } from "../webhooks/dispatcher";
import { resumeInterruptedScans } from "./orphaned-leases";
import { startWorker, workerOptionsFromEnv } from "./worker";

/**
 * The database, waited for: a PostgreSQL that does not answer yet (started beside this worker, failing
 * over) is logged once and tried again every START_RETRY_MS, as the web server does. Another process
 * holding the PGlite database (db/pglite-lock.ts) stops this one with the reason.
 */
async function openWhenReachable(): Promise<DbHandle> {
  for (let attempt = 1; ; attempt++) {
    try {
      const handle = await getDbHandle();
      if (attempt > 1) console.log(`[worker] The database answers again (after ${attempt} attempts).`);
      return handle;
    } catch (err) {
      if (err instanceof DatabaseInUseError) {
        console.error(`[worker] ${err.message}`);
        process.exit(1);
      }
      if (attempt === 1) console.error(`[worker] Could not open the database (${describeError(err)}); trying again every ${START_RETRY_MS / 1000} s.`);
      await new Promise((r) => setTimeout(r, START_RETRY_MS));
    }
  }
}

const handle = await openWhenReachable();
if (handle.kind === "pglite") {
  console.warn(
    "[worker] DATABASE_URL is unset: using the embedded PGlite database, which this process now holds until it stops " +
      "(PGlite allows one process at a time; for scale-out set LOUPE_INPROCESS_WORKER=false and use PostgreSQL).",
  );
}
await bootstrap(handle.db);
startScheduledBackups(handle);
await resumeInterruptedScans(handle);
// Woken by NOTIFY the moment a case is committed, by whichever process committed it.
const worker = startWorker({ db: handle.db, listen: handle.listen, ...workerOptionsFromEnv() });
// Webhook deliveries go out beside the scans; several processes share the outbox through row leases.
const dispatcher = startWebhookDispatcher({ db: handle.db, listen: handle.listen, id: worker.id });
await worker.ready;
console.log("[worker] listening for new cases");

let shuttingDown = false;
async function shutdown(signal: string) {
  if (shuttingDown) return;
  shuttingDown = true;
  console.log(`[worker] ${signal}: finishing in-flight scans…`);
  await Promise.all([worker.stop(), dispatcher.stop()]);
  await handle.close();
  process.exit(0);
}
process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));
