// LOUPE_WEB_PROCESSES (lib/cli/serve.mjs): `npm start` with N web processes on one port, on
// PostgreSQL. Connections are spread over the processes, a process that dies is replaced while the
// others keep answering, SIGTERM stops them all; without DATABASE_URL it refuses to start, with a
// message saying why. Uses the build the e2e server made.
import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { createScratchDatabase } from "../../lib/testing/test-db";
import { alive, descendants, listening, serverEndOwner } from "./processes";

const PORT = 3296;
const databaseUrl = process.env.DATABASE_URL;

test.describe.configure({ mode: "serial" });

/**
 * Health on a connection of its own; resolves with the process (of `pids`) that held the server's end
 * of it, looked up while the connection is still open.
 */
function whoAnswers(pids: number[]): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: "127.0.0.1", port: PORT, path: "/api/v1/health", agent: false, headers: { connection: "keep-alive" } }, (res) => {
      const owner = serverEndOwner(PORT, req.socket!.localPort!, pids);
      res.resume();
      res.on("end", () => {
        req.destroy();
        if (res.statusCode === 200) resolve(owner);
        else reject(new Error(`health answered ${res.statusCode}`));
      });
    });
    req.on("error", reject);
  });
}

test("refuses to start more than one web process on PGlite, and says why", async () => {
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(PORT), DATA_DIR: mkdtempSync(path.join(os.tmpdir(), "loupe-web-processes-")), LOUPE_WEB_PROCESSES: "2" };
  delete env.DATABASE_URL;
  const child = spawn(process.execPath, ["lib/cli/serve.mjs", "--port", String(PORT)], { env, stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  expect(code).toBe(1);
  expect(stderr).toContain("LOUPE_WEB_PROCESSES > 1 needs PostgreSQL (DATABASE_URL)");
  expect(await listening("127.0.0.1", PORT)).toBe(false);
});

test("serves from two processes on one port, replaces one that dies, and stops them all on SIGTERM", async () => {
  test.skip(!databaseUrl, "needs PostgreSQL (DATABASE_URL): CI's second pass");
  test.setTimeout(240_000);
  const scratch = await createScratchDatabase(databaseUrl!, "loupe_web_processes");
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(PORT),
    DATABASE_URL: scratch.url,
    DATA_DIR: mkdtempSync(path.join(os.tmpdir(), "loupe-web-processes-")),
    LOUPE_WEB_PROCESSES: "2",
    LOUPE_INPROCESS_WORKER: "false",
  };
  delete env.HOST;
  const npm = spawn("npm", ["start"], { env, stdio: "ignore" });
  try {
    // The processes that answer: 12 connections, one after another (round-robin over the processes).
    const answered = async () => {
      const pids = descendants(npm.pid!);
      const owners = new Set<number | null>();
      for (let i = 0; i < 12; i++) owners.add(await whoAnswers(pids));
      return owners;
    };
    await expect.poll(() => listening("127.0.0.1", PORT), { timeout: 180_000 }).toBe(true);
    // Both up (the second starts once the first listens), each holding some of the connections.
    await expect.poll(async () => [...(await answered())].filter((pid) => pid !== null).length, { timeout: 60_000 }).toBe(2);
    const servers = [...(await answered())] as number[];
    expect(servers).toHaveLength(2);
    expect(servers).not.toContain(null);

    // One dies: the other keeps answering, and a new one takes its place.
    process.kill(servers[0]!, "SIGKILL");
    await expect.poll(() => alive(servers[0]!), { timeout: 10_000 }).toBe(false);
    // Every request meanwhile is answered (whoAnswers rejects anything but 200), by the survivor or,
    // once it listens, by the replacement: that can be within 0.7 s of the kill, so the survivor
    // alone answering all five was a race the replacement sometimes won.
    for (let i = 0; i < 5; i++) {
      const owner = await whoAnswers(descendants(npm.pid!));
      expect(owner).not.toBeNull();
      expect(owner).not.toBe(servers[0]);
    }
    await expect.poll(async () => [...(await answered())].filter((pid) => pid !== null && !servers.includes(pid)).length, { timeout: 120_000 }).toBe(1);

    const tree = descendants(npm.pid!);
    npm.kill("SIGTERM");
    await expect.poll(() => listening("127.0.0.1", PORT), { timeout: 30_000 }).toBe(false);
    await expect.poll(() => [npm.pid!, ...tree].filter(alive), { timeout: 30_000 }).toEqual([]);
  } finally {
    // The tree first: once npm is gone its children belong to init, and descendants() finds none.
    for (const pid of [npm.pid!, ...descendants(npm.pid!)]) if (alive(pid)) process.kill(pid, "SIGKILL");
    await scratch.drop();
  }
});
