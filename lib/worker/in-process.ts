// The scan worker inside the web server process, started once per process (guarded on globalThis,
// so Next's dev reloads and several instrumentation calls cannot start a second one).
import { getDbHandle } from "../../db";
import { DatabaseInUseError } from "../../db/pglite-lock";
import { bootstrap } from "../bootstrap";
import { env } from "../env";
import { startWebhookDispatcher } from "../webhooks/dispatcher";
import { resumeInterruptedScans } from "./orphaned-leases";
import { setDecodedHandoff } from "./decoded-handoff";
import { startWorker, workerOptionsFromEnv, type Worker } from "./worker";

const g = globalThis as unknown as { __loupeWorker?: Promise<Worker | null> };

export function startInProcessWorker(): Promise<Worker | null> {
  g.__loupeWorker ??= (async () => {
    const handle = await getDbHandle().catch((err: unknown) => {
      // Another process holds the PGlite database (db/pglite-lock.ts): this server cannot work, and
      // must not sit on its port answering errors. It says why and stops; `npm start` stops with it.
      if (err instanceof DatabaseInUseError) {
        console.error(`[loupe] ${err.message}`);
        process.exit(1);
      }
      throw err;
    });
    await bootstrap(handle.db);
    if (!env.LOUPE_INPROCESS_WORKER) return null;
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
    return worker;
  })();
  return g.__loupeWorker;
}
