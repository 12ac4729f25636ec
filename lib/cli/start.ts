// `npm start`: build the app when the sources are newer than the last build, then serve it on
// HOST:PORT (127.0.0.1:3000 by default). The server's start-up hook (instrumentation.ts) migrates the
// database, creates the first admin and starts the in-process scan worker.
//
// This process supervises the server and never outlives it, nor lets it outlive this process:
// - SIGINT, SIGTERM and SIGHUP are passed on to the server, which is killed if it has not exited
//   STOP_GRACE_MS later;
// - when the server exits, this process exits with its code;
// - when this process's parent goes away without telling it (a shell wrapper killed by SIGTERM does
//   not pass the signal on), it stops the server as if it had received SIGTERM.
// The server stays in this process's process group, so whoever kills the group (a terminal's Ctrl-C,
// a supervisor's SIGKILL to the group) reaches it too.
import { spawn, spawnSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import path from "node:path";
import { env } from "../env";

const root = process.cwd();
const SOURCES = ["app", "components", "lib", "db", "next.config.ts", "package-lock.json", "instrumentation.ts", "postcss.config.mjs"];
/** After this long, a server that ignored the forwarded signal is killed. */
const STOP_GRACE_MS = 10_000;

function newestMtime(p: string): number {
  let st;
  try {
    st = statSync(p);
  } catch {
    return 0;
  }
  if (!st.isDirectory()) return st.mtimeMs;
  let max = st.mtimeMs;
  for (const name of readdirSync(p)) max = Math.max(max, newestMtime(path.join(p, name)));
  return max;
}

function buildTime(): number {
  try {
    return statSync(path.join(root, ".next", "BUILD_ID")).mtimeMs;
  } catch {
    return 0;
  }
}

const childEnv = { ...process.env, NEXT_TELEMETRY_DISABLED: "1" };
const nextBin = path.join(root, "node_modules", ".bin", "next");
if (buildTime() < Math.max(...SOURCES.map((s) => newestMtime(path.join(root, s))))) {
  console.log("[loupe] building the web app (first start or sources changed)…");
  const r = spawnSync(nextBin, ["build"], { stdio: "inherit", env: childEnv });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

// Node's http server in front of Next's handler (lib/cli/serve.mjs), so the client address used by the
// sign-in throttle comes from the socket rather than from a header the client chose.
const serveArgs = ["lib/cli/serve.mjs", "--hostname", env.HOST, "--port", String(env.PORT), ...(env.LOUPE_TRUST_PROXY ? ["--trust-proxy"] : [])];
const server = spawn(process.execPath, serveArgs, { stdio: "inherit", env: { ...childEnv, NODE_ENV: "production" } });
// It says "[loupe] serving on …" once it does, or why it cannot (the port taken, the database in use).

let stopping = false;
function stop(signal: NodeJS.Signals): void {
  if (stopping || server.pid === undefined) return;
  stopping = true;
  server.kill(signal);
  setTimeout(() => server.kill("SIGKILL"), STOP_GRACE_MS).unref();
}

for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(sig, () => stop(sig));

const parent = process.ppid;
const watch = setInterval(() => {
  if (process.ppid !== parent) stop("SIGTERM");
}, 500);

server.on("exit", (code, signal) => {
  clearInterval(watch);
  process.exit(code ?? (signal ? 0 : 1));
});
