// The server process's start-up: the database opened and migrated, first-run setup, and the scan
// worker inside the web server process. Started once per process (guarded on globalThis, so Next's
// dev reloads and several instrumentation calls cannot start a second one).
//
// A database that cannot be reached at start (PostgreSQL still starting beside the app, a network
// blip) does not fail the start-up hook: Next would keep that failure and answer every later request
// with a bare 500, even after the database came up. The server serves instead (requests that need
// the database answer 503 service_unavailable, and reconnect on their own) and tries again every
// START_RETRY_MS until the database answers, then finishes starting. Another process holding the
// PGlite database is no such wait: the server says so and stops.
import { getDbHandle, type DbHandle } from "../../db";
import { DatabaseInUseError } from "../../db/pglite-lock";
import { startScheduledBackups } from "../backup/start-scheduler";
import { bootstrap } from "../bootstrap";
import { env } from "../env";
import { describeError } from "../log";
import { startWebhookDispatcher } from "../webhooks/dispatcher";
import { resumeInterruptedScans } from "./orphaned-leases";
import { setDecodedHandoff } from "./decoded-handoff";
import { startWorker, workerOptionsFromEnv } from "./worker";

export const START_RETRY_MS = 5_000;

const g = globalThis as unknown as { __loupeStart?: Promise<void> };

async function start(handle: DbHandle): Promise<void> {
  await bootstrap(handle.db);
  startScheduledBackups(handle);
  if (!env.LOUPE_INPROCESS_WORKER) return;
  await resumeInterruptedScans(handle);
  const worker = startWorker({ db: handle.db, listen: handle.listen, ...workerOptionsFromEnv() });
  // Uploads to this process are scanned here too: they hand their decode over (./decoded-handoff.ts).
  setDecodedHandoff(true);
  // Webhook deliveries go out from the same process as the scans that cause them.
  const dispatcher = startWebhookDispatcher({ db: handle.db, listen: handle.listen, id: worker.id });
  const stop = () => {
    void Promise.all([worker.stop(10_000), dispatcher.stop(10_000)]).then(() => process.exit(0));
  };
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
}

/**
 * Resolves after the first attempt: started, or failed and trying again in the background. Exits the
 * process when another process holds the PGlite database.
 */
export function startInProcessWorker(): Promise<void> {
  g.__loupeStart ??= new Promise<void>((settled) => {
    void (async () => {
      for (let attempt = 1; ; attempt++) {
        try {
          await start(await getDbHandle());
          if (attempt > 1) console.log(`[loupe] The database answers again: started (after ${attempt} attempts).`);
          settled();
          return;
        } catch (err) {
          // This server cannot work, and must not sit on its port answering errors: it says why and
          // stops, and `npm start` with it.
          if (err instanceof DatabaseInUseError) {
            console.error(`[loupe] ${err.message}`);
            process.exit(1);
          }
          if (attempt === 1) {
            console.error(
              `[loupe] Could not open the database (${describeError(err)}); trying again every ${START_RETRY_MS / 1000} s. ` +
                "Until then, requests that need it answer 503 service_unavailable.",
            );
          }
          settled();
          await new Promise((r) => setTimeout(r, START_RETRY_MS));
        }
      }
    })();
  });
  return g.__loupeStart;
}
