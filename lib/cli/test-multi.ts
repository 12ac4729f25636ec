// The last step of `npm test`: the scale-out harness (2 web processes behind one port and 2 worker
// processes on one PostgreSQL database and one S3 bucket, e2e/multi/cluster.ts). It needs PostgreSQL —
// PGlite serves one process — so without DATABASE_URL it says so and passes the step on. Two runs:
// 1. e2e/multi's own specs (what only a cluster shows: which server answered, the bucket's contents);
// 2. the main suite's `api` and `ui` projects against a fresh cluster (playwright.config.ts, E2E_CLUSTER=1).
import { spawnSync } from "node:child_process";
import { env } from "../env";

if (!env.DATABASE_URL) {
  console.log("[test:multi] DATABASE_URL is unset: the scale-out harness runs only against PostgreSQL (CI's second pass).");
  process.exit(0);
}
const runs: [string, string[], NodeJS.ProcessEnv][] = [
  ["e2e/multi", ["playwright", "test", "-c", "e2e/multi/playwright.config.ts"], process.env],
  ["api and ui projects on the cluster", ["playwright", "test", "--project", "api", "--project", "ui"], { ...process.env, E2E_CLUSTER: "1" }],
];
for (const [name, args, runEnv] of runs) {
  console.log(`[test:multi] ${name}: npx ${args.join(" ")}`);
  const r = spawnSync("npx", args, { stdio: "inherit", env: runEnv });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
