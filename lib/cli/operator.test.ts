// The operator's commands, spawned as an operator runs them (`npm run loupe -- …`) against a temp
// PGlite DATA_DIR: users and keys made, listed, rotated, limited and revoked without a browser; the
// keys they print authenticate (or stop doing so) in the database they wrote.
import { execFile, spawnSync } from "node:child_process";
import { promisify } from "node:util";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { eq } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { openDb } from "../../db";
import { imageListEntries, users } from "../../db/schema";
import { admitApiKey } from "../api-keys/admit-api-key";
import { verifyPassword } from "../auth/password";
import { DEFAULT_POLICY_NAME, ensureDefaultPolicy } from "../bootstrap";
import { DEFAULT_RATE_LIMIT_PER_MINUTE } from "../limits";
import { makeJpeg } from "../detection/testing";

const dataDir = mkdtempSync(path.join(os.tmpdir(), "loupe-cli-"));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

function loupe(args: string[], viaNpm = false, extraEnv: Record<string, string> = {}, input?: string) {
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, ...extraEnv };
  delete env.DATABASE_URL;
  delete env.PGLITE_DIR;
  const [cmd, argv] = viaNpm ? ["npm", ["run", "-s", "loupe", "--", ...args]] : [process.execPath, ["lib/cli/loupe.mjs", ...args]];
  const r = spawnSync(cmd, argv, { env, encoding: "utf8", timeout: 120_000, input });
  return { code: r.status, out: r.stdout.trim(), err: r.stderr };
}

describe("loupe users|keys|lists|retention", () => {
  it("sets a policy's image retention, lists it and sweeps", { timeout: 300_000 }, async () => {
    const handle = await openDb({ pgliteDir: path.join(dataDir, "pglite") });
    try {
      await ensureDefaultPolicy(handle.db);
    } finally {
      await handle.close();
    }
    const set = loupe(["retention", "set", DEFAULT_POLICY_NAME, "30"]);
    expect(set.code, set.err).toBe(0);
    expect(set.out).toBe(`${DEFAULT_POLICY_NAME}\t30`);
    expect(loupe(["retention"]).out).toBe(`${DEFAULT_POLICY_NAME}\t30\t0\t0`);
    const run = loupe(["retention", "run"]);
    expect(run.code, run.err).toBe(0);
    expect(JSON.parse(run.out)).toEqual({ removed: 0, originals_deleted: 0, heatmaps_deleted: 0, cache_entries_evicted: 0 });
    expect(loupe(["retention", "set", DEFAULT_POLICY_NAME, "soon"]).code).toBe(2);
    expect(loupe(["retention", "set", "no-such-policy", "3"])).toMatchObject({ code: 1, err: expect.stringContaining("No policy no-such-policy") });
    expect(loupe(["retention", "set", DEFAULT_POLICY_NAME, "never"]).out).toBe(`${DEFAULT_POLICY_NAME}\tnever`);
    expect(loupe(["retention"])).toMatchObject({ code: 0, out: "" });
  });

  it("users create --sso makes an account without a password, only when single sign-on is set up", { timeout: 300_000 }, async () => {
    const sso = { LOUPE_OIDC_ISSUER: "https://idp.example.test", LOUPE_OIDC_CLIENT_ID: "loupe", LOUPE_OIDC_CLIENT_SECRET: "secret" };
    const without = loupe(["users", "create", "--email", "sso-less@example.test", "--role", "editor", "--sso"]);
    expect(without.code).toBe(1);
    expect(without.err).toMatch(/without single sign-on \(LOUPE_OIDC_ISSUER\) it is the only way to sign in/);
    const both = loupe(["users", "create", "--email", "sso@example.test", "--role", "editor", "--sso", "--password", "long-enough-1"], false, sso);
    expect(both.code).toBe(2);
    const made = loupe(["users", "create", "--email", "sso@example.test", "--role", "moderator", "--sso"], false, sso);
    expect(made.code, made.err).toBe(0);
    expect(made.out).toBe(""); // no password to print
    expect(made.err).toMatch(/no password: it signs in through single sign-on/);
    const handle = await openDb({ pgliteDir: path.join(dataDir, "pglite") });
    try {
      const rows = await handle.db.select().from(users).where(eq(users.email, "sso@example.test"));
      expect(rows.map((u) => [u.role, u.passwordHash])).toEqual([["moderator", null]]);
      expect(await handle.db.select().from(users).where(eq(users.email, "sso-less@example.test"))).toEqual([]);
    } finally {
      await handle.close();
    }
  });

  it("provisions, lists, limits, rotates and revokes keys from the command line", { timeout: 600_000 }, async () => {
    const made = loupe(["users", "create", "--email", "Op@Example.test", "--role", "admin"]);
    expect(made.code, made.err).toBe(0);
    const password = made.out;
    expect(password).toMatch(/^\S{12,}$/);

    const created = loupe(["keys", "create", "--email", "ci@example.test", "--role", "editor", "--scopes", "cases:read,usage", "--test", "--name", "ci", "--rate-limit", "7"], true);
    expect(created.code, created.err).toBe(0);
    expect(created.out).toMatch(/^lp_test_[A-Za-z0-9_-]{43}$/); // the key, and nothing else, on stdout
    expect(created.err).toMatch(/created user ci@example\.test \(editor\) with password: \S+/);

    const listed = loupe(["keys", "list", "--json"]);
    expect(listed.code, listed.err).toBe(0);
    const [row] = JSON.parse(listed.out) as { id: string; email: string; mode: string; scopes: string[]; rateLimitPerMinute: number; monthlyImageQuota: number }[];
    expect(row).toMatchObject({ email: "ci@example.test", mode: "test", scopes: ["cases:read", "usage"], rateLimitPerMinute: 7, monthlyImageQuota: 10_000 });

    const rotated = loupe(["keys", "rotate", row!.id, "--grace-hours", "0"]);
    expect(rotated.code, rotated.err).toBe(0);
    expect(rotated.out).toMatch(/^lp_test_/);
    const successor = (JSON.parse(loupe(["keys", "list", "--json"]).out) as { id: string }[])[0]!.id;
    expect(successor).not.toBe(row!.id);
    const limited = loupe(["keys", "limits", successor, "--monthly-images", "5", "--rate-limit", "default"]);
    expect(limited.out).toBe(`${successor}\t${DEFAULT_RATE_LIMIT_PER_MINUTE}/min\t5 images/month`);

    const refused = [
      loupe(["keys", "create", "--email", "nobody@example.test"]),
      loupe(["keys", "rotate", row!.id]),
      loupe(["keys", "create", "--email", "ci@example.test", "--scopes", "everything"]),
      loupe(["users", "create", "--email", "op@example.test", "--role", "admin", "--password", "long-enough-1"]),
    ];
    expect(refused.map((r) => r.code)).toEqual([1, 1, 2, 1]);
    expect(refused[0]!.err).toMatch(/add --role/);
    expect(refused[3]!.err).toMatch(/already exists/);

    const handle = await openDb({ pgliteDir: path.join(dataDir, "pglite") });
    try {
      const [op] = await handle.db.select().from(users).where(eq(users.email, "op@example.test"));
      expect(await verifyPassword(password, op!.passwordHash!)).toBe(true);
      // Grace 0: the rotated-out key stopped; its successor works with the new quota.
      expect(await admitApiKey(handle.db, created.out)).toBeNull();
      expect((await admitApiKey(handle.db, rotated.out))?.actor).toMatchObject({ role: "editor", key: { mode: "test", monthlyImageQuota: 5, rateLimitPerMinute: DEFAULT_RATE_LIMIT_PER_MINUTE, lineageId: row!.id } });
    } finally {
      await handle.close();
    }
    expect(loupe(["keys", "revoke", successor]).code).toBe(0);
    const after = await openDb({ pgliteDir: path.join(dataDir, "pglite") });
    try {
      expect(await admitApiKey(after.db, rotated.out)).toBeNull();
    } finally {
      await after.close();
    }
  });

  it("refuses to touch the database while another process holds it, and says which", { timeout: 300_000 }, async () => {
    // The server's part, played by this process: it has the PGlite directory open.
    const held = await openDb({ pgliteDir: path.join(dataDir, "pglite") });
    try {
      const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir };
      delete env.DATABASE_URL;
      delete env.PGLITE_DIR;
      // Asynchronously, so that this process can answer the command's question about who holds it.
      const r = await promisify(execFile)(process.execPath, ["lib/cli/loupe.mjs", "keys", "create", "--email", "late@example.test", "--role", "editor"], { env, encoding: "utf8", timeout: 120_000 }).then(
        () => ({ code: 0, stderr: "" }),
        (e: { code: number; stderr: string }) => e,
      );
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`error: The PGlite database in ${path.join(dataDir, "pglite")} is in use by another process (pid ${process.pid}: `);
      const [late] = await held.db.select().from(users).where(eq(users.email, "late@example.test"));
      expect(late).toBeUndefined();
    } finally {
      await held.close();
    }
  });

  it("makes image lists and imports files, folders and hash lines into them", { timeout: 300_000 }, async () => {
    const files = mkdtempSync(path.join(os.tmpdir(), "loupe-cli-list-"));
    try {
      mkdirSync(path.join(files, "bank", "older"), { recursive: true });
      writeFileSync(path.join(files, "bank", "a.jpg"), await makeJpeg({ width: 200, height: 150, seed: 4401 }));
      writeFileSync(path.join(files, "bank", "older", "b.jpg"), await makeJpeg({ width: 200, height: 150, seed: 4402 }));
      writeFileSync(path.join(files, "bank", "readme.md"), "not an image");
      writeFileSync(path.join(files, "partner.txt"), `# from the partner\n${"ab".repeat(32)}\n\n${"CD".repeat(32)}\n`);
      writeFileSync(path.join(files, "broken.txt"), `${"ab".repeat(32)}\nnot-a-hash\n`);

      const made = loupe(["lists", "create", "--name", "Known AI (cli)", "--action", "quarantine", "--auto-add", "confirmed_ai"]);
      expect(made.code, made.err).toBe(0);
      expect(made.out).toMatch(/^lst_[0-9a-z]+$/);
      expect(loupe(["lists", "create", "--name", "x", "--action", "zap"]).code).toBe(2);
      expect(loupe(["lists", "create", "--name", "Known AI (cli)", "--action", "clear"])).toMatchObject({ code: 1, err: expect.stringContaining("A list with this name exists") });

      // Images found in folders (the one that is not an image refused, by name), and hash lines.
      const imported = loupe(["lists", "import", "Known AI (cli)", path.join(files, "bank"), path.join(files, "partner.txt"), "--note", "old bank"]);
      expect(imported.code).toBe(1);
      expect(JSON.parse(imported.out)).toEqual({ list_id: made.out, added: 4, already_listed: 0, refused: 1 });
      expect(imported.err).toContain(`refused ${path.join(files, "bank", "readme.md")}: `);
      // A bad line names its file and line, and adds nothing; the same hashes again from stdin are already there.
      expect(loupe(["lists", "import", made.out, path.join(files, "broken.txt")])).toMatchObject({ code: 1, err: expect.stringContaining("broken.txt, line 2: not a sha256") });
      const again = loupe(["lists", "import", made.out, "-"], false, {}, `${"ab".repeat(32)}  shared/a.jpg\n`);
      expect(again.code, again.err).toBe(0);
      expect(JSON.parse(again.out)).toMatchObject({ added: 0, already_listed: 1 });
      expect(loupe(["lists", "import", "no such list", path.join(files, "partner.txt")]).code).toBe(2);

      expect(loupe(["lists"]).out.split("\n")).toContain(`${made.out}\tKnown AI (cli)\tquarantine\tconfirmed_ai\t4`);
      const handle = await openDb({ pgliteDir: path.join(dataDir, "pglite") });
      try {
        const entries = await handle.db.select().from(imageListEntries).where(eq(imageListEntries.listId, made.out));
        expect(entries.map((e) => [e.filename, e.note, Boolean(e.phash)]).sort()).toEqual([
          ["", "old bank", false],
          ["", "old bank", false],
          ["a.jpg", "old bank", true],
          ["b.jpg", "old bank", true],
        ]);
      } finally {
        await handle.close();
      }
    } finally {
      rmSync(files, { recursive: true, force: true });
    }
  });
});
