// `loupe backup` and `loupe restore` as an operator runs them, on PGlite DATA_DIRs: the archive's path
// on stdout, a gzipped owner-only file, a restore elsewhere that holds the same users; a pipe from one to
// the other; refusals with exit 1 and a message, bad usage with exit 2. The archive's contents are
// tested in lib/backup/backup.test.ts.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openDb } from "../../db";
import { users } from "../../db/schema";
import { loupeTables } from "../backup/format";

/** Every Loupe table: the backup holds each, empty or not. */
const TABLES = loupeTables().length;

const tmp = mkdtempSync(path.join(os.tmpdir(), "loupe-cli-backup-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function loupe(dataDir: string, args: string[], input?: Buffer) {
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: path.join(tmp, dataDir) };
  delete env.DATABASE_URL;
  delete env.PGLITE_DIR;
  delete env.BLOB_DIR;
  delete env.BLOB_STORE;
  const r = spawnSync(process.execPath, ["lib/cli/loupe.mjs", ...args], { env, input, timeout: 120_000, maxBuffer: 64 * 1024 * 1024 });
  return { code: r.status, out: r.stdout, err: r.stderr.toString() };
}

async function emails(dataDir: string): Promise<string[]> {
  const h = await openDb({ pgliteDir: path.join(tmp, dataDir, "pglite") });
  try {
    return (await h.db.select({ email: users.email }).from(users)).map((u) => u.email).sort();
  } finally {
    await h.close();
  }
}

describe("loupe backup|restore", () => {
  it("backs up to a file, restores it elsewhere, and pipes from one to the other", { timeout: 300_000 }, async () => {
    expect(loupe("a", ["users", "create", "--email", "kept@example.test", "--role", "admin"]).code).toBe(0);
    const archive = path.join(tmp, "nightly.tar.gz");
    const made = loupe("a", ["backup", "--out", archive]);
    expect(made.code, made.err).toBe(0);
    expect(made.out.toString().trim()).toBe(archive);
    expect(made.err).toMatch(new RegExp(`backed up \\d+ rows in ${TABLES} tables and 0 blobs`));
    expect(statSync(archive).mode & 0o777).toBe(0o600);
    expect(readFileSync(archive).subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));

    const checked = loupe("b", ["restore", "--check", archive]);
    expect(checked.code, checked.err).toBe(0);
    expect(checked.err).toMatch(new RegExp(`nightly\\.tar\\.gz: intact\\. \\d+ rows in ${TABLES} tables and 0 blobs .* from pglite, at migration \\d{4}_`));
    const cut = path.join(tmp, "cut.tar.gz");
    writeFileSync(cut, readFileSync(archive).subarray(0, Math.floor(statSync(archive).size / 2)));
    const damaged = loupe("b", ["restore", "--check", cut]);
    expect(damaged.code).toBe(1);
    expect(damaged.err).toMatch(/^error: The backup is damaged: /m);

    const restored = loupe("b", ["restore", archive]);
    expect(restored.code, restored.err).toBe(0);
    expect(restored.err).toMatch(new RegExp(`restored \\d+ rows in ${TABLES} tables`));
    expect(await emails("b")).toEqual(["kept@example.test"]);

    const again = loupe("b", ["restore", archive]);
    expect(again.code).toBe(1);
    expect(again.err).toMatch(/^error: .* already holds a database\. .* add --replace/m);

    const piped = loupe("a", ["backup", "--out", "-"]);
    expect(piped.code, piped.err).toBe(0);
    const fromStdin = loupe("c", ["restore", "-"], piped.out);
    expect(fromStdin.code, fromStdin.err).toBe(0);
    expect(await emails("c")).toEqual(["kept@example.test"]);
  });

  it("refuses what it cannot do, in one line", { timeout: 120_000 }, () => {
    const text = path.join(tmp, "notes.txt");
    writeFileSync(text, "not an archive\n");
    const cases = [
      { run: loupe("d", ["restore", path.join(tmp, "missing.tar")]), code: 1, err: /^error: .*missing\.tar: no such file/m },
      { run: loupe("d", ["restore", text]), code: 1, err: /^error: This is not a Loupe backup/m },
      { run: loupe("empty", ["backup"]), code: 1, err: /^error: There is no database to back up in /m },
      { run: loupe("d", ["restore"]), code: 2, err: /restore: which backup file\?\nusage:/ },
      { run: loupe("d", ["backup", "--bogus"]), code: 2, err: /Unknown option '--bogus'/ },
    ];
    for (const c of cases) {
      expect(c.run.code, c.run.err).toBe(c.code);
      expect(c.run.err).toMatch(c.err);
      expect(c.run.err).not.toMatch(/\n\s+at /); // no stack trace
    }
  });
});
