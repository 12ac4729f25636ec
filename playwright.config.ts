import { defineConfig } from "@playwright/test";

const PORT = Number(process.env.E2E_PORT ?? 3210);
/** Where the suite's web server listens (for clients that are not Playwright's request context). */
export const E2E_BASE_URL = `http://127.0.0.1:${PORT}`;
export const E2E_ADMIN = { email: "admin@e2e.test", password: "e2e-admin-password" };

export default defineConfig({
  testDir: "e2e",
  outputDir: "test-results/e2e",
  timeout: 120_000,
  expect: { timeout: 30_000 },
  fullyParallel: false,
  workers: 1,
  reporter: [["list"], ["html", { open: "never", outputFolder: "playwright-report" }], ["json", { outputFile: "test-results/playwright.json" }]],
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
    command: "node --import tsx e2e/serve.ts",
    url: `http://127.0.0.1:${PORT}/api/v1/health`,
    timeout: 300_000,
    reuseExistingServer: false,
    stdout: "pipe",
    env: {
      PORT: String(PORT),
      LOUPE_ADMIN_EMAIL: E2E_ADMIN.email,
      LOUPE_ADMIN_PASSWORD: E2E_ADMIN.password,
      // e2e/api/jobs.spec.ts receives webhooks on 127.0.0.1 and waits for a retry: loopback allowed,
      // retries after ~0.5 s, 3 s, … instead of ~1 min, 6 min, … (lib/env.ts).
      LOUPE_WEBHOOK_ALLOW_LOOPBACK: "true",
      LOUPE_WEBHOOK_RETRY_BASE_MS: "500",
      LOUPE_WEBHOOK_POLL_MS: "200",
      // Image URLs may reach loopback, so e2e/api/detect.spec.ts can serve them from 127.0.0.1; every
      // other private range stays refused there, and loopback refusal is tested with the flag off in
      // lib/detect/detect-image.test.ts and lib/api/fetch-image.test.ts.
      LOUPE_FETCH_ALLOW_LOOPBACK: "true",
      NODE_ENV: "production",
    },
  },
});
