// `npm start` as an operator runs it: it listens on loopback only by default, and stopping it (SIGTERM
// to npm, or to whatever npm started) leaves no server behind. Uses the build the e2e server made.
import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { alive, descendants, listening } from "./processes";

const PORT = 3297;

function lanAddress(): string | null {
  for (const list of Object.values(os.networkInterfaces())) for (const a of list ?? []) if (a.family === "IPv4" && !a.internal) return a.address;
  return null;
}

async function startApp() {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "loupe-launcher-"));
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(PORT), DATA_DIR: dataDir, LOUPE_INPROCESS_WORKER: "false" };
  delete env.DATABASE_URL; // PGlite in its own directory, whatever the suite runs against
  delete env.HOST;
  const npm = spawn("npm", ["start"], { env, stdio: "ignore" });
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
