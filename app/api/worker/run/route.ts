// Route-driven scanning for platforms without long-running processes: a cron POSTs here with
// `Authorization: Bearer $LOUPE_WORKER_SECRET` and the request scans queued cases until the queue is
// empty or `?budget_ms=` (default 50 s) has passed. 404 while LOUPE_WORKER_SECRET is unset.
import { getDb } from "@/db";
import { otherMethods } from "@/lib/api/route";
import { env } from "@/lib/env";
import { workerOptionsFromEnv } from "@/lib/worker/worker";
import { workerRunResponse } from "@/lib/worker/worker-run-request";

export const dynamic = "force-dynamic";

export async function POST(req: Request) {
  const { concurrency, leaseSeconds, maxAttempts } = workerOptionsFromEnv();
  return workerRunResponse(req, { secret: env.LOUPE_WORKER_SECRET, db: getDb, concurrency, leaseSeconds, maxAttempts });
}

/** The methods this path does not take: a JSON 405 naming the ones it does. */
export const { GET, PUT, PATCH, DELETE } = otherMethods(["POST"]);
