// Route-driven scanning (POST /api/worker/run): for platforms without long-running processes, a cron
// calls the route and this drains the queue for a time budget with the same claim → scan → complete
// cycle, leases included, as the long-running worker (lib/worker/process-next-case.ts).
import type { Db } from "../../db";
import { newId } from "../ids";
import { pruneCaseEvents } from "../live/prune-case-events";
import { redact } from "../log";
import { defaultDetect } from "./detect";
import { sweepStorage } from "./housekeeping";
import { processNextCase, type CycleOutcome, type ProcessedCase } from "./process-next-case";
import type { DetectFn, ScanResult } from "./scan-case";

export interface WorkerBudgetOptions {
  db: Db;
  /** No case is claimed after this many milliseconds; scans already running finish. */
  budgetMs: number;
  concurrency: number;
  leaseSeconds: number;
  maxAttempts: number;
  detect?: DetectFn;
  workerId?: string;
  log?: (msg: string) => void;
  onResult?: (caseId: string, result: ScanResult) => void;
}

export interface WorkerBudgetSummary {
  workerId: string;
  /** `empty`: nothing was left to claim; `budget`: the time budget ran out first. */
  stoppedBecause: "empty" | "budget";
  elapsedMs: number;
  cases: { caseId: string; attempt: number; outcome: CycleOutcome["kind"]; state: string | null }[];
  /** Cases whose image the run's retention sweep removed (lib/cases/retention.ts). */
  imagesRemoved: number;
  /** Detection-cache entries the run evicted (lib/detect/cache-eviction.ts). */
  cacheEntriesEvicted: number;
}

function stateOf(o: CycleOutcome): string | null {
  return o.kind === "completed" || o.kind === "failed" ? o.state : null;
}

export async function runWorkerBudget(opts: WorkerBudgetOptions): Promise<WorkerBudgetSummary> {
  const workerId = opts.workerId ?? newId("worker");
  const log = opts.log ?? ((m: string) => console.log(`[worker ${workerId}] ${redact(m)}`));
  const detect = opts.detect ?? defaultDetect(log);
  const started = performance.now();
  const deadline = started + opts.budgetMs;
  const processed: ProcessedCase[] = [];
  let empty = false;

  async function slot(): Promise<void> {
    while (!empty && performance.now() < deadline) {
      const next = await processNextCase({ db: opts.db, workerId, leaseSeconds: opts.leaseSeconds, maxAttempts: opts.maxAttempts, detect, log, onResult: opts.onResult });
      if (!next) {
        empty = true;
        return;
      }
      processed.push(next);
    }
  }
  await Promise.all(Array.from({ length: opts.concurrency }, slot));
  // Without a long-running worker, each run does its housekeeping.
  await pruneCaseEvents(opts.db).catch((err: unknown) => log(`pruning old case events failed: ${(err as Error).message}`));
  const swept = await sweepStorage(opts.db).catch((err: unknown) => {
    log(`storage sweep failed: ${(err as Error).message}`);
    return null;
  });
  return {
    workerId,
    stoppedBecause: empty ? "empty" : "budget",
    elapsedMs: Math.round(performance.now() - started),
    cases: processed.map((p) => ({ caseId: p.caseId, attempt: p.attempt, outcome: p.outcome.kind, state: stateOf(p.outcome) })),
    imagesRemoved: swept?.retention.removed ?? 0,
    cacheEntriesEvicted: swept?.cache.entries ?? 0,
  };
}
