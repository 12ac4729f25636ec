// POST /api/worker/run: authentication by LOUPE_WORKER_SECRET, the time budget, and the JSON answer.
// The route file only wires this to the process's database and settings, so tests run it directly.
import { z } from "zod";
import type { Db } from "../../db";
import { parseOrThrow, errorResponse } from "../api/route";
import { bearerSecretMatches } from "../auth/bearer-secret";
import { AppError, normaliseError } from "../errors";
import { WORKER_RUN_DEFAULT_BUDGET_MS, WORKER_RUN_MAX_BUDGET_MS } from "../limits";
import { runWorkerBudget, type WorkerBudgetOptions, type WorkerBudgetSummary } from "./run-worker-budget";

const query = z.object({
  // Larger budgets are capped rather than refused: a cron's fixed URL keeps working if the cap changes.
  budget_ms: z.coerce.number().int().min(0).default(WORKER_RUN_DEFAULT_BUDGET_MS).transform((v) => Math.min(v, WORKER_RUN_MAX_BUDGET_MS)),
});

/**
 * 404 when no secret is configured (the route does not exist for this deployment), 401 unless the
 * request carries `Authorization: Bearer <LOUPE_WORKER_SECRET>`. Compared as hashes in constant time.
 */
export function authorizeWorkerRequest(req: Request, secret: string | undefined): void {
  if (!secret) throw new AppError("not_found");
  if (!bearerSecretMatches(req.headers.get("authorization"), secret)) {
    throw new AppError("unauthenticated", "Send the worker secret as `Authorization: Bearer …`.");
  }
}

export function workerRunDto(s: WorkerBudgetSummary) {
  return {
    worker_id: s.workerId,
    stopped_because: s.stoppedBecause,
    elapsed_ms: s.elapsedMs,
    scanned: s.cases.length,
    cases: s.cases.map((c) => ({ case_id: c.caseId, attempt: c.attempt, outcome: c.outcome, state: c.state })),
    images_removed: s.imagesRemoved,
    cache_entries_evicted: s.cacheEntriesEvicted,
  };
}

export interface WorkerRunDeps extends Omit<WorkerBudgetOptions, "db" | "budgetMs"> {
  secret: string | undefined;
  db: () => Promise<Db>;
}

export async function workerRunResponse(req: Request, deps: WorkerRunDeps): Promise<Response> {
  try {
    authorizeWorkerRequest(req, deps.secret);
    const q = parseOrThrow(query, Object.fromEntries(new URL(req.url).searchParams));
    const { secret: _secret, db, ...opts } = deps;
    const summary = await runWorkerBudget({ ...opts, db: await db(), budgetMs: q.budget_ms });
    return Response.json(workerRunDto(summary));
  } catch (err) {
    return errorResponse(normaliseError(err));
  }
}
