// `npm run worker`: a scan worker in its own process (scale-out). Several of these may run against
// one PostgreSQL; row leases keep them from scanning the same case twice.
import { getDbHandle } from "../../db";
import { bootstrap } from "../bootstrap";
import { startWebhookDispatcher } from "../webhooks/dispatcher";
import { startWorker, workerOptionsFromEnv } from "./worker";

const handle = await getDbHandle();
if (handle.kind === "pglite") {
  console.warn(
    "[worker] DATABASE_URL is unset: using the embedded PGlite database. PGlite allows one process at a time, " +
      "so stop the web server first (or set LOUPE_INPROCESS_WORKER and use PostgreSQL for scale-out).",
  );
}
await bootstrap(handle.db);
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
