// One claim → scan → complete cycle, shared by every worker mode: the long-running loop
// (lib/worker/worker.ts: in-process and `npm run worker`) and the time-budgeted run behind
// POST /api/worker/run (lib/worker/run-worker-budget.ts).
import type { Db } from "../../db";
import { claimCase } from "./claim-case";
import { scanCase, type DetectFn, type ScanResult } from "./scan-case";

export interface ScanCycleOptions {
  db: Db;
  workerId: string;
  leaseSeconds: number;
  maxAttempts: number;
  detect: DetectFn;
  log: (msg: string) => void;
  /** Called after each scanned case, whatever its outcome (the hook for work that follows a scan). */
  onResult?: (caseId: string, result: ScanResult) => void;
}

export type CycleOutcome =
  | ScanResult
  /** The database failed mid-scan: the lease will expire and the case will be retried. */
  | { kind: "aborted"; error: string };

export interface ProcessedCase {
  caseId: string;
  attempt: number;
  outcome: CycleOutcome;
}

/**
 * Claims the oldest claimable case and scans it; null when nothing is claimable. A claim that fails
 * (database down) throws; a failure after the claim is an outcome, logged with the case id.
 */
export async function processNextCase(opts: ScanCycleOptions): Promise<ProcessedCase | null> {
  const claimed = await claimCase(opts.db, { workerId: opts.workerId, leaseSeconds: opts.leaseSeconds, maxAttempts: opts.maxAttempts });
  if (!claimed) return null;
  try {
    const result = await scanCase(opts.db, claimed, { workerId: opts.workerId, leaseSeconds: opts.leaseSeconds, maxAttempts: opts.maxAttempts, detect: opts.detect });
    // The internal reason of a failure goes to the log (with the case id users see); never to users.
    opts.log(
      `${claimed.id}: ${result.kind}${"state" in result ? ` → ${result.state}` : ""}${result.kind === "failed" ? ` (attempt ${claimed.attempts}): ${result.error.split("\n")[0]}` : ""}`,
    );
    opts.onResult?.(claimed.id, result);
    return { caseId: claimed.id, attempt: claimed.attempts, outcome: result };
  } catch (err) {
    const error = (err as Error).message;
    opts.log(`${claimed.id}: scan aborted: ${error}`);
    return { caseId: claimed.id, attempt: claimed.attempts, outcome: { kind: "aborted", error } };
  }
}
