// Starts the app for Playwright on a fresh database: a new PGlite directory, or — when DATABASE_URL
// is set — a new database on that (local only) PostgreSQL server, dropped again when the app exits
// (Playwright stops this process with SIGTERM: playwright.config.ts, gracefulShutdown). One left by a
// run that was killed outright is dropped by the next run; those of runs still going are left alone.
import { spawn } from "node:child_process";
import { rmSync } from "node:fs";
import { assertLocal, dropOrphanDatabases, ownedDatabaseName } from "../lib/testing/test-db";
import { startE2eIdentityProvider } from "./support/identity-provider";

const env: NodeJS.ProcessEnv = { ...process.env };
env.DATA_DIR = "data/e2e";
// Scheduled backups on: the server makes one at start (e2e/ui/backup.spec.ts).
env.LOUPE_BACKUP_DIR = "data/e2e/backups";
rmSync(env.DATA_DIR, { recursive: true, force: true });
// Single sign-on through a test identity provider run by this process (e2e/ui/sso.spec.ts).
Object.assign(env, (await startE2eIdentityProvider()).env);

let dropDatabase = async () => {};
if (process.env.DATABASE_URL) {
  assertLocal(process.env.DATABASE_URL);
  const { default: postgres } = await import("postgres");
  const admin = postgres(process.env.DATABASE_URL, { max: 1, onnotice: () => {} });
  await dropOrphanDatabases(admin, "loupe_e2e");
  const name = ownedDatabaseName("loupe_e2e");
  await admin.unsafe(`create database ${name}`);
  const u = new URL(process.env.DATABASE_URL);
  u.pathname = `/${name}`;
  env.DATABASE_URL = u.toString();
  dropDatabase = async () => {
    await admin.unsafe(`drop database if exists ${name} with (force)`).catch((err: unknown) => console.error(`[e2e] could not drop ${name}: ${(err as Error).message}`));
    await admin.end({ timeout: 5 });
  };
}

const child = spawn(process.execPath, ["--import", "tsx", "lib/cli/start.ts"], { stdio: "inherit", env });
for (const sig of ["SIGINT", "SIGTERM"] as const) process.on(sig, () => child.kill(sig));
// Every way out goes through here: the app stopped by a signal (passed on above, or sent to the whole
// process group), or ended by itself (a failed start).
child.on("exit", (code) => {
  void dropDatabase().finally(() => process.exit(code ?? 0));
});
