// Child process for the crash-recovery test: claims a case, announces it, then hangs mid-scan
// until the parent SIGKILLs it. Not a detector: it never produces a result.
import { openDb } from "../../../db";
import { startWorker } from "../worker";

const handle = await openDb({ url: process.env.CHILD_DATABASE_URL, pgliteDir: process.env.CHILD_PGLITE_DIR, migrate: false });
startWorker({
  db: handle.db,
  concurrency: 1,
  leaseSeconds: Number(process.env.CHILD_LEASE_SECONDS ?? "2"),
  maxAttempts: 3,
  pollMs: 50,
  workerId: "wrk_doomed",
  log: () => {},
  detect: () =>
    new Promise(() => {
      process.stdout.write("CLAIMED\n");
    }),
});
