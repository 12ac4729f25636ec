import { defineConfig } from "@playwright/test";

const PORT = Number(process.env.E2E_PORT ?? 3210);
/** Where the suite's web server listens (for clients that are not Playwright's request context). */
export const E2E_BASE_URL = `http://127.0.0.1:${PORT}`;
/** The one loopback port image URLs may reach in the suite (LOUPE_FETCH_LOOPBACK_PORT): e2e/api/detect.spec.ts serves there. */
export const E2E_IMAGE_PORT = Number(process.env.E2E_IMAGE_PORT ?? PORT + 1);
export const E2E_ADMIN = { email: "admin@e2e.test", password: "e2e-admin-password" };
/**
 * E2E_CLUSTER=1 runs the suite against the scale-out harness instead of one server (e2e/multi/cluster.ts:
 * 2 web processes behind a round-robin proxy on E2E_PORT, 2 worker processes, one fresh PostgreSQL
 * database, one S3 bucket). It needs DATABASE_URL; lib/cli/test-multi.ts runs it in `npm test`.
 */
export const E2E_CLUSTER = process.env.E2E_CLUSTER === "1";

export default defineConfig({
  testDir: "e2e",
  outputDir: E2E_CLUSTER ? "test-results/e2e-cluster" : "test-results/e2e",
  timeout: 120_000,
  expect: { timeout: 30_000 },
  fullyParallel: false,
  workers: 1,
  reporter: [["list"], ["html", { open: "never", outputFolder: "playwright-report" }], ["json", { outputFile: E2E_CLUSTER ? "test-results/playwright-cluster.json" : "test-results/playwright.json" }]],
  use: {
    baseURL: E2E_BASE_URL,
    screenshot: "only-on-failure",
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    },
  },
  projects: [
    { name: "api", testMatch: /api\/.*\.spec\.ts/ },
    { name: "ui", testMatch: /ui\/.*\.spec\.ts/, dependencies: ["api"] },
    // Runs `npm start` itself, on its own port, with the build the web server above made.
    { name: "ops", testMatch: /ops\/.*\.spec\.ts/, dependencies: ["ui"] },
  ],
  webServer: {
    command: E2E_CLUSTER ? "node --import tsx e2e/multi/cluster.ts" : "node --import tsx e2e/serve.ts",
    url: `http://127.0.0.1:${PORT}/api/v1/health`,
    // The cluster's first web server may have to build the app.
    timeout: E2E_CLUSTER ? 900_000 : 300_000,
    reuseExistingServer: false,
    stdout: "pipe",
    // SIGTERM (Playwright's default is SIGKILL to the process group) lets e2e/serve.ts drop its database
    // once the app has stopped, and the cluster stop its processes, drop its database and remove its bucket.
    gracefulShutdown: { signal: "SIGTERM", timeout: 30_000 },
    env: {
      PORT: String(PORT),
      MULTI_PORT: String(PORT),
      LOUPE_ADMIN_EMAIL: E2E_ADMIN.email,
      LOUPE_ADMIN_PASSWORD: E2E_ADMIN.password,
      // e2e/api/jobs.spec.ts receives webhooks on 127.0.0.1 and waits for a retry: loopback allowed,
      // retries after ~0.5 s, 3 s, … instead of ~1 min, 6 min, … (lib/env.ts).
      LOUPE_WEBHOOK_ALLOW_LOOPBACK: "true",
      LOUPE_WEBHOOK_RETRY_BASE_MS: "500",
      LOUPE_WEBHOOK_POLL_MS: "200",
      // Image URLs may reach loopback on this one port only, so e2e/api/detect.spec.ts can serve images
      // from 127.0.0.1:E2E_IMAGE_PORT while 127.0.0.1 on every other port (and every other private
      // range) stays refused, end to end: the same spec checks those refusals against a receiver on
      // another port. A port-scoped allowance rather than none at all, because "a redirect to a private
      // address" needs a first hop the server may fetch, and no public host is reachable from CI.
      LOUPE_FETCH_LOOPBACK_PORT: String(E2E_IMAGE_PORT),
      NODE_ENV: "production",
    },
  },
});
