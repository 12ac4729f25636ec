// The last step of `npm test`: the scale-out harness (e2e/multi: 2 web processes behind one port and
// 2 worker processes on one PostgreSQL database and one S3 bucket). It needs PostgreSQL — PGlite serves
// one process — so without DATABASE_URL it says so and passes the step on.
import { spawnSync } from "node:child_process";
import { env } from "../env";

if (!env.DATABASE_URL) {
  console.log("[test:multi] DATABASE_URL is unset: the scale-out harness runs only against PostgreSQL (CI's second pass).");
  process.exit(0);
}
const r = spawnSync("npx", ["playwright", "test", "-c", "e2e/multi/playwright.config.ts"], { stdio: "inherit" });
process.exit(r.status ?? 1);
