// `npm start` (and `npm run worker`) before its PostgreSQL answers (a compose file starts both at once; a managed database
// fails over): the server serves 503 service_unavailable meanwhile, and once the database answers it
// finishes starting by itself (migrations, first admin, in-process worker) and scans uploads, with no
// restart. The database "comes up" as a TCP relay to the real server, started on the port the app was
// given. PostgreSQL only. Uses the build the e2e server made.
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { makeJpeg } from "../../lib/detection/testing";
import { createScratchDatabase } from "../../lib/testing/test-db";
import { alive, descendants, listening } from "./processes";

const PORT = 3295;
const DB_PORT = 3294;
const databaseUrl = process.env.DATABASE_URL;

test("starts while PostgreSQL is down, answers 503 meanwhile, and finishes starting when it answers", async () => {
  test.skip(!databaseUrl, "needs PostgreSQL (DATABASE_URL): CI's second pass");
  test.setTimeout(240_000);
  const scratch = await createScratchDatabase(databaseUrl!, "loupe_late_db");
  const real = new URL(scratch.url);
  const viaRelay = new URL(scratch.url);
  viaRelay.host = `127.0.0.1:${DB_PORT}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(PORT),
    DATABASE_URL: viaRelay.toString(),
    DATA_DIR: mkdtempSync(path.join(os.tmpdir(), "loupe-late-db-")),
    LOUPE_ADMIN_EMAIL: "admin@example.test",
    LOUPE_ADMIN_PASSWORD: "late-database-admin",
  };
  delete env.HOST;
  delete env.DATABASE_DIRECT_URL;
  let log = "";
  const npm = spawn("npm", ["start"], { env, stdio: ["ignore", "pipe", "pipe"] });
  npm.stdout!.on("data", (d: Buffer) => (log += d.toString()));
  npm.stderr!.on("data", (d: Buffer) => (log += d.toString()));
  // A worker process started beside it waits for the database the same way.
  let workerLog = "";
  const worker = spawn("npm", ["run", "worker"], { env, stdio: ["ignore", "pipe", "pipe"] });
  worker.stdout!.on("data", (d: Buffer) => (workerLog += d.toString()));
  worker.stderr!.on("data", (d: Buffer) => (workerLog += d.toString()));
  const relay = net.createServer((client) => {
    const upstream = net.connect(Number(real.port || 5432), real.hostname);
    client.pipe(upstream).pipe(client);
    client.on("error", () => upstream.destroy());
    upstream.on("error", () => client.destroy());
  });
  try {
    await expect.poll(() => log.includes("[loupe] serving on"), { timeout: 180_000 }).toBe(true);
    // stderr and stdout arrive on pipes of their own: the order between them is not kept.
    await expect.poll(() => log.includes("[loupe] Could not open the database ("), { timeout: 30_000 }).toBe(true);
    await expect.poll(() => workerLog.includes("[worker] Could not open the database ("), { timeout: 60_000 }).toBe(true);
    const down = await fetch(`http://127.0.0.1:${PORT}/api/v1/health`);
    expect(down.status).toBe(503);
    expect(down.headers.get("retry-after")).toBe("5");
    expect(await down.json()).toMatchObject({ status: "unavailable", database: "down" });
    const refused = await fetch(`http://127.0.0.1:${PORT}/api/v1/cases`, { method: "POST", headers: { authorization: `Bearer lp_live_${"A".repeat(43)}` }, body: "x" });
    expect(refused.status).toBe(503);
    expect((await refused.json()).error.code).toBe("service_unavailable");

    // The database comes up: within the retry interval the server finishes starting.
    await new Promise<void>((resolve) => relay.listen(DB_PORT, "127.0.0.1", resolve));
    await expect.poll(() => log.includes("[loupe] The database answers again: started"), { timeout: 30_000 }).toBe(true);
    await expect.poll(() => workerLog.includes("[worker] listening for new cases"), { timeout: 30_000 }).toBe(true);
    const up = await fetch(`http://127.0.0.1:${PORT}/api/v1/health`);
    expect(up.status).toBe(200);
    expect(await up.json()).toMatchObject({ status: "ok", database: "postgres" });

    // The first admin exists (a key is made for that user, who must exist), and the in-process worker scans.
    const keyed = spawnSync(process.execPath, ["lib/cli/loupe.mjs", "keys", "create", "--email", "admin@example.test", "--scopes", "cases:write,cases:read"], {
      env: { ...env, DATABASE_URL: scratch.url },
      encoding: "utf8",
      timeout: 120_000,
    });
    expect(keyed.status, keyed.stderr).toBe(0);
    const headers = { authorization: `Bearer ${keyed.stdout.trim()}` };
    const created = await fetch(`http://127.0.0.1:${PORT}/api/v1/cases`, { method: "POST", headers: { ...headers, "content-type": "image/jpeg" }, body: new Uint8Array(await makeJpeg({ width: 320, height: 240, seed: 5 })) });
    expect(created.status).toBe(202);
    const { id } = (await created.json()) as { id: string };
    await expect
      .poll(async () => ((await (await fetch(`http://127.0.0.1:${PORT}/api/v1/cases/${id}`, { headers })).json()) as { state: string }).state, { timeout: 60_000 })
      .toMatch(/^(quarantined|cleared)$/);
  } finally {
    for (const root of [npm.pid!, worker.pid!]) for (const pid of [root, ...descendants(root)]) if (alive(pid)) process.kill(pid, "SIGKILL");
    await new Promise((resolve) => relay.close(resolve));
    await scratch.drop();
  }
  await expect.poll(() => listening("127.0.0.1", PORT), { timeout: 20_000 }).toBe(false);
});
