// Route-driven scanning: a second server, built by the e2e web server, with no in-process worker and
// LOUPE_WORKER_SECRET set, as a platform without long-running processes runs Loupe. Uploaded cases
// wait until POST /api/worker/run scans them. The suite's own server has no secret: the route is 404.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { makeJpeg } from "../../lib/detection/testing";
import { createApiKey, signIn } from "../support/session";

const PORT = Number(process.env.E2E_PORT ?? 3210) + 1000;
const BASE = `http://127.0.0.1:${PORT}`;
const SECRET = "e2e-worker-secret-0123456789abcdef0123";
const ADMIN = { email: "route-admin@e2e.test", password: "route-admin-password" };

let server: ChildProcess;
let dataDir: string;
let key = "";

test.beforeAll(async ({ browser }) => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), "loupe-worker-route-"));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATA_DIR: dataDir,
    LOUPE_INPROCESS_WORKER: "false",
    LOUPE_WORKER_SECRET: SECRET,
    LOUPE_ADMIN_EMAIL: ADMIN.email,
    LOUPE_ADMIN_PASSWORD: ADMIN.password,
    NODE_ENV: "production",
  };
  delete env.DATABASE_URL; // PGlite in its own directory, whatever the suite runs against
  server = spawn(path.resolve("node_modules/.bin/next"), ["start", "--hostname", "127.0.0.1", "--port", String(PORT)], { env, stdio: "ignore" });
  await expect.poll(() => fetch(`${BASE}/api/v1/health`).then((r) => r.status, () => 0), { timeout: 120_000 }).toBe(200);
  const context = await browser.newContext({ baseURL: BASE });
  const page = await context.newPage();
  await signIn(page, ADMIN.email, ADMIN.password);
  key = await createApiKey(page, "worker-route");
  await context.close();
});

test.afterAll(async () => {
  if (server && server.exitCode === null) {
    const exited = new Promise((r) => server.once("exit", r));
    server.kill("SIGTERM");
    await exited;
  }
  rmSync(dataDir, { recursive: true, force: true });
});

test("without LOUPE_WORKER_SECRET the route does not exist", async ({ request }) => {
  const res = await request.post("/api/worker/run");
  expect(res.status()).toBe(404);
  expect((await res.json()).error.code).toBe("not_found");
});

test("queued cases wait for the route, which scans them all with the secret and reports what it did", async ({ request }) => {
  const auth = { authorization: `Bearer ${key}` };
  const ids: string[] = [];
  for (let seed = 171; seed < 174; seed++) {
    const res = await request.post(`${BASE}/api/v1/cases`, {
      headers: auth,
      multipart: { file: { name: `r${seed}.jpg`, mimeType: "image/jpeg", buffer: await makeJpeg({ width: 256, height: 256, seed }) } },
    });
    expect(res.status()).toBe(202);
    ids.push((await res.json()).id);
  }
  for (const headers of [{}, { authorization: "Bearer not-the-secret" }, auth]) {
    const res = await request.post(`${BASE}/api/worker/run`, { headers });
    expect(res.status()).toBe(401);
    expect((await res.json()).error.code).toBe("unauthenticated");
  }
  for (const id of ids) expect((await (await request.get(`${BASE}/api/v1/cases/${id}`, { headers: auth })).json()).state).toBe("pending_scan");

  const res = await request.post(`${BASE}/api/worker/run?budget_ms=60000`, { headers: { authorization: `Bearer ${SECRET}` }, timeout: 120_000 });
  expect(res.status()).toBe(200);
  const body = await res.json();
  expect(body.stopped_because).toBe("empty");
  expect(body.scanned).toBe(3);
  expect(body.cases.map((c: { case_id: string }) => c.case_id).sort()).toEqual([...ids].sort());
  for (const c of body.cases) {
    expect(c.outcome).toBe("completed");
    const detail = await (await request.get(`${BASE}/api/v1/cases/${c.case_id}`, { headers: auth })).json();
    expect(detail.state).toBe(c.state);
    expect(detail.state).toMatch(/^(quarantined|cleared)$/);
  }
  // Nothing left: the next run scans nothing.
  const idle = await (await request.post(`${BASE}/api/worker/run`, { headers: { authorization: `Bearer ${SECRET}` } })).json();
  expect(idle).toMatchObject({ stopped_because: "empty", scanned: 0, cases: [] });
});
