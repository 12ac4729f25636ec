// The last step of `npm test`: the scale-out harness (2 web processes behind one port and 2 worker
// processes on one PostgreSQL database and one S3 bucket, e2e/multi/cluster.ts). It needs PostgreSQL —
// PGlite serves one process — so without DATABASE_URL it says so and passes the step on. Two runs:
// 1. e2e/multi's own specs (what only a cluster shows: which server answered, the bucket's contents);
// 2. the main suite against a fresh cluster (playwright.config.ts, E2E_CLUSTER=1): the whole `api`
//    project and every `ui` flow below: bulk decisions, claims and keyboard triage, live pages (the
//    events stream relays any process's commits through LISTEN/NOTIFY), sessions and the sign-in
//    throttle (in the database, keyed on the address the proxy forwards), webhooks (the outbox is sent
//    by whichever process sees its NOTIFY), the hostile uploads through the upload page's server
//    action, and the accessibility and screenshot specs (their pictures go to
//    e2e/artifacts/screenshots-cluster, beside the single-server run's). Only e2e/ops is left out: it
//    starts the launcher itself, one server on its own port.
import { spawnSync } from "node:child_process";
import { env } from "../env";

if (!env.DATABASE_URL) {
  console.log("[test:multi] DATABASE_URL is unset: the scale-out harness runs only against PostgreSQL (CI's second pass).");
  process.exit(0);
}
const runs: [string, string[], NodeJS.ProcessEnv][] = [
  ["e2e/multi", ["playwright", "test", "-c", "e2e/multi/playwright.config.ts"], process.env],
  ["api project and ui flows on the cluster", ["playwright", "test", "e2e/api/", "e2e/ui/", "--project", "api", "--project", "ui"], { ...process.env, E2E_CLUSTER: "1" }],
];
for (const [name, args, runEnv] of runs) {
  console.log(`[test:multi] ${name}: npx ${args.join(" ")}`);
  const r = spawnSync("npx", args, { stdio: "inherit", env: runEnv });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
