// `npm start` as an operator runs it: it listens on loopback only by default, and stopping it (SIGTERM
// to npm, or to whatever npm started) leaves no server behind. Uses the build the e2e server made.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { alive, descendants, listening } from "./processes";

const PORT = 3297;

function lanAddress(): string | null {
  for (const list of Object.values(os.networkInterfaces())) for (const a of list ?? []) if (a.family === "IPv4" && !a.internal) return a.address;
  return null;
}

function appEnv(dataDir: string, port = PORT): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), DATA_DIR: dataDir, LOUPE_INPROCESS_WORKER: "false" };
  delete env.DATABASE_URL; // PGlite in its own directory, whatever the suite runs against
  delete env.HOST;
  return env;
}

async function startApp(dataDir = mkdtempSync(path.join(os.tmpdir(), "loupe-launcher-"))) {
  const npm = spawn("npm", ["start"], { env: appEnv(dataDir), stdio: "ignore" });
  await expect.poll(() => listening("127.0.0.1", PORT), { timeout: 120_000 }).toBe(true);
  const tree = descendants(npm.pid!);
  expect(tree.length).toBeGreaterThan(0);
  return { npm, tree };
}

async function expectAllGone(tree: number[]) {
  await expect.poll(() => listening("127.0.0.1", PORT), { timeout: 20_000 }).toBe(false);
  await expect.poll(() => tree.filter(alive), { timeout: 20_000 }).toEqual([]);
}

test.describe.configure({ mode: "serial" });

test("SIGTERM to npm stops the whole server; by default it listens on 127.0.0.1 only", async () => {
  const { npm, tree } = await startApp();
  const lan = lanAddress();
  if (lan) expect(await listening(lan, PORT)).toBe(false);
  npm.kill("SIGTERM");
  await expectAllGone([npm.pid!, ...tree]);
});

test("SIGTERM to the process npm started (a shell wrapper passes no signal on) stops the server too", async () => {
  const { npm, tree } = await startApp();
  const wrapper = tree[0]!; // npm's direct child: `sh -c …`, or the launcher itself where sh execs
  process.kill(wrapper, "SIGTERM");
  await expectAllGone([npm.pid!, ...tree]);
});

test("a second `npm start` on the same PGlite directory stops with the reason; the first serves on", async () => {
  test.setTimeout(180_000);
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "loupe-launcher-"));
  const { npm, tree } = await startApp(dataDir);
  try {
    await expect.poll(async () => (await fetch(`http://127.0.0.1:${PORT}/api/v1/health`)).status, { timeout: 60_000 }).toBe(200);
    const second = spawn("npm", ["start"], { env: appEnv(dataDir, PORT + 1), stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    second.stdout!.on("data", (d: Buffer) => (output += d.toString()));
    second.stderr!.on("data", (d: Buffer) => (output += d.toString()));
    const code = await new Promise<number | null>((resolve) => second.once("exit", resolve));
    expect(code, output).toBe(1);
    expect(output).toContain(`[loupe] The PGlite database in ${path.join(dataDir, "pglite")} is in use by another process (pid `);
    expect(await listening("127.0.0.1", PORT + 1)).toBe(false);
    expect((await fetch(`http://127.0.0.1:${PORT}/api/v1/health`)).status).toBe(200);
  } finally {
    npm.kill("SIGTERM");
    await expectAllGone([npm.pid!, ...tree]);
  }
});

test("`npm start` on a port another program holds stops with the reason, before it touches the database", async () => {
  test.setTimeout(120_000);
  const squatter = net.createServer();
  await new Promise<void>((resolve) => squatter.listen(PORT, "127.0.0.1", resolve));
  try {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), "loupe-launcher-"));
    const npm = spawn("npm", ["start"], { env: appEnv(dataDir), stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    npm.stdout!.on("data", (d: Buffer) => (output += d.toString()));
    npm.stderr!.on("data", (d: Buffer) => (output += d.toString()));
    const code = await new Promise<number | null>((resolve) => npm.once("exit", resolve));
    expect(code, output).toBe(1);
    expect(output).toContain(`[loupe] Cannot listen on http://127.0.0.1:${PORT}: the port is in use by another program. Stop that program, or set PORT to a free port.`);
    expect(output).not.toContain("serving on");
    expect(output).not.toContain("EADDRINUSE");
    // No database made, no admin created, no worker started.
    expect(existsSync(path.join(dataDir, "pglite"))).toBe(false);
  } finally {
    await new Promise((resolve) => squatter.close(resolve));
  }
});
