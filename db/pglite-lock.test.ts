import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, symlinkSync, writeFileSync, existsSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { openDb } from "./index";
import { DatabaseInUseError, lockAddress, lockPgliteDir } from "./pglite-lock";

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function tempDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "loupe-pglite-lock-"));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A child process that opens `dir` as its database; resolves once it holds it. */
function holder(dir: string): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", path.resolve("lib/testing/hold-pglite.ts"), dir], { stdio: ["ignore", "pipe", "pipe"] });
    cleanups.push(() => child.kill("SIGKILL"));
    let err = "";
    child.stderr!.on("data", (d: Buffer) => (err += d.toString()));
    child.stdout!.on("data", (d: Buffer) => d.toString().includes("HELD") && resolve(child));
    child.once("exit", (code) => reject(new Error(`holder exited (${code}): ${err}`)));
  });
}

const exited = (child: ChildProcess) => new Promise<void>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once("exit", () => resolve())));

describe("one process at a time on a PGlite directory", () => {
  it("refuses a second process while the first holds the database, naming it, and lets the next in the moment it dies", async () => {
    const dir = tempDir();
    const first = await openDb({ pgliteDir: dir });
    await first.db.execute(sql`create table marks (n int)`);
    await first.close();

    const child = await holder(dir);
    const refused = await openDb({ pgliteDir: dir }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(refused).toBeInstanceOf(DatabaseInUseError);
    const err = refused as DatabaseInUseError;
    expect(err.code).toBe("database_in_use");
    expect(err.holder).toMatchObject({ pid: child.pid, command: `hold-pglite.ts ${dir}` });
    expect(err.message).toContain(`The PGlite database in ${dir} is in use by another process (pid ${child.pid}: hold-pglite.ts ${dir}, since `);
    expect(err.message).toContain("set DATABASE_URL to use PostgreSQL");

    // Killed outright: nothing to clean up, the next opener gets the database at once, data intact.
    child.kill("SIGKILL");
    await exited(child);
    const next = await openDb({ pgliteDir: dir });
    try {
      await next.db.execute(sql`insert into marks values (1)`);
      const counted = (await next.db.execute(sql`select count(*)::int as n from marks`)) as unknown as { rows: { n: number }[] };
      expect(counted.rows[0]!.n).toBe(1);
    } finally {
      await next.close();
    }
  });

  it("refuses a second open in the same process until the first is closed, and meets every spelling of the path", async () => {
    const dir = tempDir();
    const link = path.join(tempDir(), "link");
    symlinkSync(dir, link);
    const first = await openDb({ pgliteDir: dir, migrate: false });
    const refused = await openDb({ pgliteDir: `${link}/`, migrate: false }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(DatabaseInUseError);
    expect((refused as DatabaseInUseError).holder?.pid).toBe(process.pid);
    expect((refused as Error).message).toContain("in use by this process (it is already open here)");
    expect(lockAddress(`${link}/`)).toBe(lockAddress(dir));
    await first.close();
    const again = await openDb({ pgliteDir: dir, migrate: false });
    await again.close();
  });

  it("leaves memory databases alone", async () => {
    const a = await openDb({ pgliteDir: "memory://", migrate: false });
    const b = await openDb({ pgliteDir: "memory://", migrate: false });
    await Promise.all([a.close(), b.close()]);
  });

  it("with a socket file (macOS, the BSDs): binds over one a crash left, refuses a live one, removes its own", async () => {
    const dir = tempDir();
    const address = lockAddress(dir, "file");
    // What a killed process leaves: the name exists and nothing answers on it.
    writeFileSync(address, "");
    cleanups.push(() => rmSync(address, { force: true }));
    const release = await lockPgliteDir(dir, { kind: "file" });
    await expect(lockPgliteDir(dir, { kind: "file" })).rejects.toBeInstanceOf(DatabaseInUseError);
    await release();
    expect(existsSync(address)).toBe(false);
    const again = await lockPgliteDir(dir, { kind: "file" });
    await again();
  });
});
