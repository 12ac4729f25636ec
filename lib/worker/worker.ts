// The scan worker: N concurrent slots, each claiming a case with a row lease, scanning it and
// moving it on. Expired leases are reclaimed by the claim query itself; stop() drains gracefully.
import type { Db } from "../../db";
import { inspectModelFile } from "../detection";
import { runEngine, sharedDetectionPool } from "../detect/engine";
import { env, paths } from "../env";
import { newId } from "../ids";
import { redact } from "../log";
import { claimCase } from "./claim-case";
import { scanCase, type DetectFn, type ScanResult } from "./scan-case";

export interface WorkerOptions {
  db: Db;
  concurrency: number;
  leaseSeconds: number;
  maxAttempts: number;
  pollMs: number;
  detect?: DetectFn;
  workerId?: string;
  log?: (msg: string) => void;
  onResult?: (caseId: string, result: ScanResult) => void;
}

/** The operator's settings (LOUPE_WORKER_*, LOUPE_LEASE_SECONDS, LOUPE_MAX_ATTEMPTS). */
export function workerOptionsFromEnv(): Pick<WorkerOptions, "concurrency" | "leaseSeconds" | "maxAttempts" | "pollMs"> {
  return {
    concurrency: env.LOUPE_WORKER_CONCURRENCY,
    leaseSeconds: env.LOUPE_LEASE_SECONDS,
    maxAttempts: env.LOUPE_MAX_ATTEMPTS,
    pollMs: env.LOUPE_WORKER_POLL_MS,
  };
}

export interface Worker {
  id: string;
  stop(timeoutMs?: number): Promise<void>;
  /** Resolves when every slot is idle with nothing claimable (tests, CLI --once). */
  drain(): Promise<void>;
  /** Wake idle slots now (after an upload) instead of waiting for the next poll. */
  poke(): void;
}

/** The engine, in this process's detection threads (the default) or inline. */
function defaultDetect(log: (msg: string) => void): DetectFn {
  return (bytes) => runEngine(bytes, { heatmaps: true }, log);
}

export function startWorker(opts: WorkerOptions): Worker {
  const id = opts.workerId ?? newId("worker");
  const log = opts.log ?? ((m: string) => console.log(`[worker ${id}] ${redact(m)}`));
  const detect = opts.detect ?? defaultDetect(log);
  // Start the detection threads (engine and model loaded) before the first case arrives.
  if (!opts.detect) {
    // Say at start-up when scans will run without the learned detector (a wrong MODEL_PATH would
    // otherwise only show as "not run" on every case).
    void inspectModelFile().then((m) =>
      log(
        m.status === "ok"
          ? `detector model ${m.version}`
          : m.status === "missing"
            ? `no detector model at ${paths.model}: scans run without the ml signal (set MODEL_PATH)`
            : `detector model unusable, the ml signal will fail on every scan: ${m.error}`,
      ),
    );
    try {
      sharedDetectionPool(log)?.warm();
    } catch (err) {
      log(`detection threads did not start: ${(err as Error).message}`);
    }
  }
  let stopping = false;
  let idleSlots = 0;
  const wakers = new Set<() => void>();
  const drainWaiters = new Set<() => void>();

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const t = setTimeout(done, ms);
      function done() {
        clearTimeout(t);
        wakers.delete(done);
        resolve();
      }
      wakers.add(done);
    });

  async function slot(n: number): Promise<void> {
    while (!stopping) {
      let claimed = null;
      try {
        claimed = await claimCase(opts.db, { workerId: id, leaseSeconds: opts.leaseSeconds, maxAttempts: opts.maxAttempts });
      } catch (err) {
        log(`slot ${n}: claim failed: ${(err as Error).message}`);
      }
      if (!claimed) {
        idleSlots++;
        if (idleSlots === opts.concurrency) for (const w of [...drainWaiters]) w();
        await sleep(opts.pollMs);
        idleSlots--;
        continue;
      }
      try {
        const result = await scanCase(opts.db, claimed, { workerId: id, leaseSeconds: opts.leaseSeconds, maxAttempts: opts.maxAttempts, detect });
        // The internal reason of a failure goes to the log (with the case id users see); never to users.
        log(`${claimed.id}: ${result.kind}${"state" in result ? ` → ${result.state}` : ""}${result.kind === "failed" ? ` (attempt ${claimed.attempts}): ${result.error.split("\n")[0]}` : ""}`);
        opts.onResult?.(claimed.id, result);
      } catch (err) {
        // The database itself failed; the lease will expire and the case will be retried.
        log(`${claimed.id}: scan aborted: ${(err as Error).message}`);
      }
    }
  }

  const slots = Array.from({ length: opts.concurrency }, (_, n) => slot(n));
  log(`started (concurrency ${opts.concurrency}, lease ${opts.leaseSeconds}s)`);

  return {
    id,
    poke() {
      for (const w of [...wakers]) w();
    },
    drain() {
      return new Promise<void>((resolve) => {
        const done = () => {
          drainWaiters.delete(done);
          resolve();
        };
        drainWaiters.add(done);
        for (const w of [...wakers]) w();
      });
    },
    async stop(timeoutMs = 30_000) {
      stopping = true;
      for (const w of [...wakers]) w();
      // In-flight scans finish (or their lease expires and another worker resumes them).
      await Promise.race([Promise.all(slots), new Promise((r) => setTimeout(r, timeoutMs).unref?.())]);
      log("stopped");
    },
  };
}
