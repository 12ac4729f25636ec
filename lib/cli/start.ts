// `npm start`: build the app when the sources are newer than the last build, then serve it.
// The server's start-up hook (instrumentation.ts) migrates the database, creates the first admin
// and starts the in-process scan worker.
import { spawn, spawnSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import path from "node:path";

const root = process.cwd();
const SOURCES = ["app", "components", "lib", "db", "next.config.ts", "package-lock.json", "instrumentation.ts", "postcss.config.mjs"];

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

const nextBin = path.join(root, "node_modules", ".bin", "next");
if (buildTime() < Math.max(...SOURCES.map((s) => newestMtime(path.join(root, s))))) {
  console.log("[loupe] building the web app (first start or sources changed)…");
  const r = spawnSync(nextBin, ["build"], { stdio: "inherit", env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" } });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
const args = ["start", ...process.argv.slice(2)];
const server = spawn(nextBin, args, { stdio: "inherit", env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" } });
for (const sig of ["SIGINT", "SIGTERM"] as const) process.on(sig, () => server.kill(sig));
server.on("exit", (code) => process.exit(code ?? 0));
