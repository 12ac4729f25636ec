// `npm run worker`: a scan worker in its own process (scale-out). Several of these may run against
// one PostgreSQL; row leases keep them from scanning the same case twice.
import { getDbHandle } from "../../db";
import { DatabaseInUseError } from "../../db/pglite-lock";
import { bootstrap } from "../bootstrap";
import { startWebhookDispatcher } from "../webhooks/dispatcher";
import { resumeInterruptedScans } from "./orphaned-leases";
import { startWorker, workerOptionsFromEnv } from "./worker";

const handle = await getDbHandle().catch((err: unknown) => {
  // PGlite's database held by the web server (db/pglite-lock.ts), or PostgreSQL unreachable: say so, no stack.
  if (err instanceof DatabaseInUseError) {
    console.error(`[worker] ${err.message}`);
    process.exit(1);
  }
  throw err;
});
if (handle.kind === "pglite") {
  console.warn(
    "[worker] DATABASE_URL is unset: using the embedded PGlite database, which this process now holds until it stops " +
      "(PGlite allows one process at a time; for scale-out set LOUPE_INPROCESS_WORKER=false and use PostgreSQL).",
  );
}
await bootstrap(handle.db);
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
