// The multi-process harness (e2e/multi/playwright.config.ts starts it): two web servers (`lib/cli/start.ts`,
// i.e. `next start`) and two scan workers (`lib/worker/main.ts`, i.e. `npm run worker`) as separate
// processes on one fresh PostgreSQL database and one S3 bucket (s3rver), behind a round-robin proxy on
// MULTI_PORT. The web servers run no in-process worker and no process has a usable local blob
// directory, so a case is only scanned, and its images only served, if the processes really share the
// database and the bucket. Writes the bucket's settings to data/multi/cluster.json for the spec.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import { startRoundRobinProxy } from "../../lib/testing/round-robin-proxy";
import { startTestS3Server } from "../../lib/testing/s3-server";
import { assertLocal, dropOrphanDatabases, ownedDatabaseName } from "../../lib/testing/test-db";
import { startE2eIdentityProvider } from "../support/identity-provider";

const PORT = Number(process.env.MULTI_PORT ?? 3390);
const DIR = "data/multi";
const baseUrl = process.env.DATABASE_URL;
if (!baseUrl) throw new Error("e2e/multi needs DATABASE_URL (a local PostgreSQL server): PGlite allows one process at a time");
assertLocal(baseUrl);

rmSync(DIR, { recursive: true, force: true });
mkdirSync(DIR, { recursive: true });
// A file where the local blob directory would be: any process falling back to local blobs fails loudly.
writeFileSync(`${DIR}/no-local-blobs`, "BLOB_STORE=s3 is expected\n");

// A fresh database; ones left by an earlier run that was killed are dropped (not those of a run still going).
const { default: postgres } = await import("postgres");
const admin = postgres(baseUrl, { max: 1, onnotice: () => {} });
await dropOrphanDatabases(admin, "loupe_multi");
const dbName = ownedDatabaseName("loupe_multi");
await admin.unsafe(`create database ${dbName}`);
const dbUrl = new URL(baseUrl);
dbUrl.pathname = `/${dbName}`;

const s3 = await startTestS3Server("loupe-multi");
// Single sign-on through a test identity provider (e2e/ui/sso.spec.ts): both web servers must complete
// a sign-in the other one started.
const idp = await startE2eIdentityProvider();
writeFileSync(`${DIR}/cluster.json`, JSON.stringify({ s3: s3.env }, null, 2));

const common: NodeJS.ProcessEnv = {
  ...process.env,
  ...s3.env,
  ...idp.env,
  DATABASE_URL: dbUrl.toString(),
  DATA_DIR: DIR,
  BLOB_DIR: `${DIR}/no-local-blobs/blobs`,
  // Every web server must check the others' session tokens.
  AUTH_SECRET: randomBytes(32).toString("base64url"),
  NODE_ENV: "production",
  LOUPE_INPROCESS_WORKER: "false",
  LOUPE_WORKER_POLL_MS: "250",
  LOUPE_WORKER_CONCURRENCY: "1",
  // Four processes look for a due backup at start; one of them makes it (e2e/ui/backup.spec.ts).
  LOUPE_BACKUP_DIR: `${DIR}/backups`,
};

const children: ChildProcess[] = [];
function run(name: string, args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  const child = spawn(process.execPath, args, { env, stdio: ["ignore", "pipe", "pipe"] });
  const prefix = (d: Buffer) => d.toString().replace(/^(?=.)/gm, `[${name}] `);
  child.stdout!.on("data", (d: Buffer) => process.stdout.write(prefix(d)));
  child.stderr!.on("data", (d: Buffer) => process.stderr.write(prefix(d)));
  child.on("exit", (code, signal) => {
    if (!stopping) {
      console.error(`[multi] ${name} exited (${signal ?? code}); stopping the cluster`);
      void stop(1);
    }
  });
  children.push(child);
  return child;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

async function waitHealthy(port: number, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/api/v1/health`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`web server on ${port} not healthy after ${timeoutMs} ms`);
}

let stopping = false;
let proxy: Awaited<ReturnType<typeof startRoundRobinProxy>> | undefined;
async function stop(code: number): Promise<never> {
  stopping = true;
  await proxy?.close();
  await Promise.all(
    children.map(
      (c) =>
        new Promise<void>((resolve) => {
          if (c.exitCode !== null || c.signalCode !== null) return resolve();
          const kill = setTimeout(() => c.kill("SIGKILL"), 15_000);
          c.once("exit", () => {
            clearTimeout(kill);
            resolve();
          });
          c.kill("SIGTERM");
        }),
    ),
  );
  await s3.close();
  await idp.close();
  await admin.unsafe(`drop database if exists ${dbName} with (force)`).catch(() => {});
  await admin.end({ timeout: 5 });
  process.exit(code);
}
for (const sig of ["SIGINT", "SIGTERM"] as const) process.on(sig, () => void stop(0));

try {
  // The first web server builds the app when the sources are newer than .next (lib/cli/start.ts),
  // migrates and creates the admin; the others start once it answers, on that build.
  const webPorts = [await freePort(), await freePort()];
  // The proxy sets X-Forwarded-For to its client's address, so the web servers trust it (the sign-in
  // throttle keys on that address: e2e/api/sign-in-throttle.spec.ts).
  const web: NodeJS.ProcessEnv = { ...common, HOST: "127.0.0.1", LOUPE_TRUST_PROXY: "true" };
  run("web0", ["--import", "tsx", "lib/cli/start.ts"], { ...web, PORT: String(webPorts[0]) });
  await waitHealthy(webPorts[0]!, 900_000);
  run("web1", ["--import", "tsx", "lib/cli/start.ts"], { ...web, PORT: String(webPorts[1]) });
  for (const i of [0, 1]) run(`worker${i}`, ["--initial-heap-size=64", "--import", "tsx/esm", "lib/worker/main.ts"], common);
  await waitHealthy(webPorts[1]!, 120_000);
  proxy = await startRoundRobinProxy(webPorts.map((port) => ({ host: "127.0.0.1", port })), PORT);
  // For specs that must reach one web server in particular (e2e/multi/rate-limit.spec.ts).
  writeFileSync(`${DIR}/web-ports.json`, JSON.stringify(webPorts));
  console.log(`[multi] proxy on http://127.0.0.1:${PORT} → web servers on ${webPorts.join(", ")}; 2 workers; database ${dbName}; bucket at ${s3.endpoint}`);
} catch (err) {
  console.error(`[multi] ${(err as Error).message}`);
  await stop(1);
}
