// The long-running scan worker (in-process and `npm run worker`): N concurrent slots, each running
// the shared claim → scan → complete cycle (lib/worker/process-next-case.ts). Idle slots wake the
// moment a case becomes claimable anywhere: every new or rescanned case is announced by NOTIFY on
// commit (lib/live/publish-case-event.ts) and the worker LISTENs. The poll every `pollMs` is only a
// safety net (a missed notice, a retry whose backoff ran out, a lease that expired).
import type { Db, Listen } from "../../db";
import { env } from "../env";
import { newId } from "../ids";
import { CASE_EVENTS_CHANNEL, parseCaseEventNotice } from "../live/case-event";
import { pruneCaseEvents } from "../live/prune-case-events";
import { LIVE_EVENT_PRUNE_INTERVAL_MS, RETENTION_SWEEP_INTERVAL_MS } from "../limits";
import { redact } from "../log";
import { defaultDetect, warmDetection } from "./detect";
import { describeSweep, sweepStorage } from "./housekeeping";
import { processNextCase } from "./process-next-case";
import { retryDelaySeconds, type DetectFn, type ScanResult } from "./scan-case";

/** The first storage sweep (./housekeeping.ts) waits for start-up to settle. */
const RETENTION_FIRST_SWEEP_MS = 30_000;

export interface WorkerOptions {
  db: Db;
  /** LISTEN on the database (DbHandle.listen); without it the worker only polls. */
  listen?: Listen;
  concurrency: number;
  leaseSeconds: number;
  maxAttempts: number;
  /** The safety-net poll of an idle worker, milliseconds. */
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
  /** Resolves once the worker listens for new cases (at once when it has no `listen`). */
  ready: Promise<void>;
  stop(timeoutMs?: number): Promise<void>;
  /** Resolves when every slot is idle with nothing claimable (tests, CLI --once). */
  drain(): Promise<void>;
  /** Wake idle slots now instead of waiting for a notice or the next poll. */
  poke(): void;
}

export function startWorker(opts: WorkerOptions): Worker {
  const id = opts.workerId ?? newId("worker");
  const log = opts.log ?? ((m: string) => console.log(`[worker ${id}] ${redact(m)}`));
  const detect = opts.detect ?? defaultDetect(log);
  if (!opts.detect) warmDetection(log);
  let stopping = false;
  let idleSlots = 0;
  /** Bumped by every wake-up: a slot whose claim began before a wake-up claims again instead of sleeping. */
  let wakeGeneration = 0;
  const wakers = new Set<() => void>();
  const drainWaiters = new Set<() => void>();
  const retryTimers = new Set<NodeJS.Timeout>();

  const wake = () => {
    wakeGeneration++;
    for (const w of [...wakers]) w();
  };

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

  let unlisten: (() => Promise<void>) | null = null;
  let listening: Promise<void> | null = null;
  /** LISTEN once; after a failure (database down at start) the next idle poll tries again. */
  function listen(): Promise<void> {
    if (!opts.listen || unlisten || stopping) return Promise.resolve();
    listening ??= opts
      .listen(CASE_EVENTS_CHANNEL, (payload) => {
        // A new or rescanned case; other state changes need no worker.
        if (parseCaseEventNotice(payload)?.state === "pending_scan") wake();
      })
      .then(async (stop) => {
        unlisten = stop;
        if (stopping) await stop();
      })
      .catch((err: unknown) => log(`LISTEN failed, polling every ${opts.pollMs} ms until it works: ${(err as Error).message}`))
      .finally(() => {
        listening = null;
      });
    return listening;
  }
  const ready = listen();

  /** A failed scan is retried after its backoff: wake then rather than at the next poll. */
  function wakeForRetry(result: ScanResult, attempt: number) {
    if (result.kind !== "failed" || result.state !== "retry_pending") return;
    const t = setTimeout(() => {
      retryTimers.delete(t);
      wake();
    }, retryDelaySeconds(attempt) * 1000 + 50);
    t.unref?.();
    retryTimers.add(t);
  }

  async function slot(n: number): Promise<void> {
    await ready;
    while (!stopping) {
      const generation = wakeGeneration;
      let processed = null;
      try {
        processed = await processNextCase({ db: opts.db, workerId: id, leaseSeconds: opts.leaseSeconds, maxAttempts: opts.maxAttempts, detect, log, onResult: opts.onResult });
      } catch (err) {
        log(`slot ${n}: claim failed: ${(err as Error).message}`);
      }
      if (processed) {
        if (processed.outcome.kind !== "aborted") wakeForRetry(processed.outcome, processed.attempt);
        continue;
      }
      if (wakeGeneration !== generation) continue;
      idleSlots++;
      if (idleSlots === opts.concurrency) for (const w of [...drainWaiters]) w();
      await sleep(opts.pollMs);
      idleSlots--;
      await listen();
    }
  }

  // Old live-stream events go with the worker's housekeeping, off the request path.
  const pruning = setInterval(() => {
    pruneCaseEvents(opts.db).catch((err: unknown) => log(`pruning old case events failed: ${(err as Error).message}`));
  }, LIVE_EVENT_PRUNE_INTERVAL_MS);
  pruning.unref?.();

  // Images past their policy's retention and unused detection-cache entries (./housekeeping.ts): soon
  // after start, then every interval; a sweep still running when the next is due is not doubled.
  let sweeping: Promise<void> | null = null;
  const sweep = () => {
    sweeping ??= sweepStorage(opts.db)
      .then((r) => {
        const line = describeSweep(r);
        if (line) log(line);
        if (r.retention.more && !stopping) setTimeout(sweep, 1000).unref?.();
      })
      .catch((err: unknown) => log(`storage sweep failed: ${(err as Error).message}`))
      .finally(() => {
        sweeping = null;
      });
  };
  const firstSweep = setTimeout(sweep, RETENTION_FIRST_SWEEP_MS);
  firstSweep.unref?.();
  const sweeps = setInterval(sweep, RETENTION_SWEEP_INTERVAL_MS);
  sweeps.unref?.();

  const slots = Array.from({ length: opts.concurrency }, (_, n) => slot(n));
  log(`started (concurrency ${opts.concurrency}, lease ${opts.leaseSeconds}s, ${opts.listen ? "woken by NOTIFY, " : ""}poll ${opts.pollMs} ms)`);

  return {
    id,
    ready,
    poke: wake,
    drain() {
      return new Promise<void>((resolve) => {
        const done = () => {
          drainWaiters.delete(done);
          resolve();
        };
        drainWaiters.add(done);
        wake();
      });
    },
    async stop(timeoutMs = 30_000) {
      stopping = true;
      clearInterval(pruning);
      clearTimeout(firstSweep);
      clearInterval(sweeps);
      for (const t of retryTimers) clearTimeout(t);
      wake();
      // In-flight scans finish (or their lease expires and another worker resumes them).
      await Promise.race([Promise.all(slots), new Promise((r) => setTimeout(r, timeoutMs).unref?.())]);
      await unlisten?.().catch(() => {});
      await sweeping;
      log("stopped");
    },
  };
}
