// Test databases: an in-memory PGlite, and — when TEST_DATABASE_URL or DATABASE_URL points at a
// PostgreSQL server — a throw-away database created for the run and dropped afterwards.
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { openDb, type Db, type DbHandle } from "../../db";
import { users } from "../../db/schema";
import type { Role } from "../auth/roles";
import type { Actor } from "../context";
import { newId } from "../ids";
import { ensureDefaultPolicy } from "../bootstrap";
import { LocalBlobStore } from "../storage/local-blob-store";
import { setBlobStore } from "../storage";

export const serverUrl = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL;

/** Refuse anything but a local server: tests create and drop databases. */
export function assertLocal(url: string): void {
  const host = new URL(url).hostname;
  if (!["127.0.0.1", "localhost", "::1", "[::1]", ""].includes(host)) {
    throw new Error(`Refusing to run tests against non-local database host ${host}`);
  }
}

export interface TestDb extends DbHandle {
  url?: string;
  cleanup(): Promise<void>;
}

/**
 * A throw-away database on the local server at `url` (named `<prefix>_<time>_<random>`): its URL, and
 * `drop`, which removes it even while connections remain. Tests and the benches that take
 * BENCH_DATABASE_URL use it.
 */
export async function createScratchDatabase(url: string, prefix: string): Promise<{ url: string; drop(): Promise<void> }> {
  assertLocal(url);
  const { default: postgres } = await import("postgres");
  const name = `${prefix}_${Date.now().toString(36)}_${randomBytes(4).toString("hex")}`;
  const admin = postgres(url, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const u = new URL(url);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    async drop() {
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end({ timeout: 5 });
    },
  };
}

/**
 * A name for a database the current process creates and drops: `<prefix>_<pid>_<time>`. The pid lets
 * `dropOrphanDatabases` tell a database whose creator was killed from one still in use.
 */
export function ownedDatabaseName(prefix: string): string {
  return `${prefix}_${process.pid}_${Date.now().toString(36)}`;
}

/**
 * Drops the `<prefix>_…` databases whose creating process is gone (killed before it could drop its
 * own), and those named before names carried the pid, but not those of a run still going: two
 * checkouts may run their suites against one server at once. Only meaningful on a local server
 * (assertLocal), where the creators' pids are this machine's.
 */
export async function dropOrphanDatabases(admin: import("postgres").Sql, prefix: string): Promise<void> {
  const alive = (pid: number) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch (err) {
      return (err as NodeJS.ErrnoException).code === "EPERM";
    }
  };
  for (const { datname } of await admin<{ datname: string }[]>`select datname from pg_database where starts_with(datname, ${`${prefix}_`})`) {
    const pid = new RegExp(`^${prefix}_(\\d+)_[0-9a-z]+$`).exec(datname)?.[1];
    if (pid === undefined || !alive(Number(pid))) await admin.unsafe(`drop database if exists ${datname} with (force)`);
  }
}

export async function createPostgresTestDb(url: string): Promise<TestDb> {
  const scratch = await createScratchDatabase(url, "loupe_test");
  const handle = await openDb({ url: scratch.url });
  return {
    ...handle,
    url: scratch.url,
    async cleanup() {
      await handle.close();
      await scratch.drop();
    },
  };
}

export async function createPgliteTestDb(dir?: string): Promise<TestDb> {
  const handle = await openDb({ pgliteDir: dir ?? "memory://" });
  return { ...handle, cleanup: () => handle.close() };
}

/** The databases every DB test runs against: PGlite always, PostgreSQL when configured. */
export const TEST_DB_KINDS: ("pglite" | "postgres")[] = serverUrl ? ["pglite", "postgres"] : ["pglite"];

export async function createTestDb(kind: "pglite" | "postgres"): Promise<TestDb> {
  const db = kind === "postgres" ? await createPostgresTestDb(serverUrl!) : await createPgliteTestDb();
  await ensureDefaultPolicy(db.db);
  return db;
}

/** A user of `role` in a test database, and the actor that acts as them. */
export async function insertTestUser(db: Db, role: Role, email = `${role}-${randomBytes(3).toString("hex")}@example.test`): Promise<Extract<Actor, { type: "user" }>> {
  const id = newId("user");
  await db.insert(users).values({ id, email, passwordHash: "x", role });
  return { type: "user", id, role, email };
}

/** A temp blob store for the test file; returns its cleanup. */
export async function useTempBlobStore(): Promise<{ dir: string; cleanup(): Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "loupe-blobs-"));
  setBlobStore(new LocalBlobStore(dir));
  return {
    dir,
    async cleanup() {
      setBlobStore(undefined);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
