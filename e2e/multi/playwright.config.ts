// The multi-process harness, apart from the main suite (own config, own port, own database):
//   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npx playwright test -c e2e/multi/playwright.config.ts
// e2e/multi/cluster.ts starts 2 web servers, 2 workers, one database, one s3rver bucket and the proxy.
import path from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig } from "@playwright/test";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const PORT = Number(process.env.MULTI_PORT ?? 3390);
export const MULTI_ADMIN = { email: "admin@multi.test", password: "multi-admin-password" };

export default defineConfig({
  testDir: ".",
  testMatch: /.*\.spec\.ts/,
  outputDir: path.join(ROOT, "test-results/multi"),
  timeout: 180_000,
  expect: { timeout: 60_000 },
  workers: 1,
  reporter: [["list"], ["json", { outputFile: path.join(ROOT, "test-results/playwright-multi.json") }]],
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    },
  },
  webServer: {
    command: "node --import tsx e2e/multi/cluster.ts",
    cwd: ROOT,
    url: `http://127.0.0.1:${PORT}/api/v1/health`,
    // The first web server may have to build the app.
    timeout: 900_000,
    reuseExistingServer: false,
    stdout: "pipe",
    // SIGTERM lets the cluster stop its processes, drop its database and remove the bucket.
    gracefulShutdown: { signal: "SIGTERM", timeout: 30_000 },
    env: { MULTI_PORT: String(PORT), LOUPE_ADMIN_EMAIL: MULTI_ADMIN.email, LOUPE_ADMIN_PASSWORD: MULTI_ADMIN.password },
  },
});
