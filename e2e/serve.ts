// Starts the app for Playwright on a fresh database: a new PGlite directory, or — when DATABASE_URL
// is set — a new database on that (local only) PostgreSQL server. Old e2e databases are dropped.
import { spawn } from "node:child_process";
import { rmSync } from "node:fs";
import { assertLocal } from "../lib/testing/test-db";

const env: NodeJS.ProcessEnv = { ...process.env };
env.DATA_DIR = "data/e2e";
rmSync(env.DATA_DIR, { recursive: true, force: true });

if (process.env.DATABASE_URL) {
  assertLocal(process.env.DATABASE_URL);
  const { default: postgres } = await import("postgres");
  const admin = postgres(process.env.DATABASE_URL, { max: 1, onnotice: () => {} });
  const old = await admin<{ datname: string }[]>`select datname from pg_database where datname like 'loupe_e2e_%'`;
  for (const { datname } of old) await admin.unsafe(`drop database if exists ${datname} with (force)`);
  const name = `loupe_e2e_${Date.now().toString(36)}`;
  await admin.unsafe(`create database ${name}`);
  await admin.end();
  const u = new URL(process.env.DATABASE_URL);
  u.pathname = `/${name}`;
  env.DATABASE_URL = u.toString();
}

const child = spawn(process.execPath, ["--import", "tsx", "lib/cli/start.ts"], { stdio: "inherit", env });
for (const sig of ["SIGINT", "SIGTERM"] as const) process.on(sig, () => child.kill(sig));
child.on("exit", (code) => process.exit(code ?? 0));
