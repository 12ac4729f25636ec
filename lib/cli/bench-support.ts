// Shared by the `npm run bench:*` scripts: percentiles and the photo-like test image they send.
import { spawn, spawnSync } from "node:child_process";
import { readdirSync, readFileSync, rmSync } from "node:fs";
import sharp from "sharp";
import { createScratchDatabase } from "../testing/test-db";

/** The q-quantile (0..1) of `xs` by nearest rank; NaN for no samples. */
export const pct = (xs: number[], q: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))] ?? NaN;

/** A photo-like 1024² JPEG (smooth gradients plus noise), different for every seed: no two share a cache entry. */
export async function benchJpeg(seed: number): Promise<Buffer> {
  const w = 1024;
  const h = 1024;
  const px = Buffer.alloc(w * h * 3);
  let s = seed * 2654435761 || 1;
  const rnd = () => ((s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32);
  const fx = 2 + rnd() * 6;
  const fy = 2 + rnd() * 6;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = (y * w + x) * 3;
      const base = 128 + 60 * Math.sin((x / w) * fx * Math.PI) * Math.cos((y / h) * fy * Math.PI);
      px[i] = Math.max(0, Math.min(255, base + (rnd() - 0.5) * 40));
      px[i + 1] = Math.max(0, Math.min(255, base * 0.8 + (rnd() - 0.5) * 40));
      px[i + 2] = Math.max(0, Math.min(255, 255 - base + (rnd() - 0.5) * 40));
    }
  }
  return sharp(px, { raw: { width: w, height: h, channels: 3 } }).jpeg({ quality: 90 }).toBuffer();
}

/**
 * CPU time (user + system, ms) used so far by process `pid` and all its descendants (Linux /proc; null
 * elsewhere): in all, and on the processes' main threads (/proc/<p>/task/<p>: the thread that serves
 * HTTP and, on PGlite, runs the database); the rest is their other threads (detection threads, libuv's
 * pool, V8's helpers). Per request, it is a number the load of a shared machine barely moves, unlike
 * latency.
 */
export function processTreeCpu(pid: number): { total: number; mainThreads: number } | null {
  try {
    const tick = 1000 / 100; // USER_HZ is 100 on Linux
    // Fields after the command (which may hold spaces) in parentheses: state ppid … utime(14) stime(15).
    const fields = (stat: string) => stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const children = new Map<number, number[]>();
    const cpu = new Map<number, number>();
    for (const name of readdirSync("/proc")) {
      if (!/^\d+$/.test(name)) continue;
      let stat: string;
      try {
        stat = readFileSync(`/proc/${name}/stat`, "utf8");
      } catch {
        continue; // exited meanwhile
      }
      const f = fields(stat);
      const p = Number(name);
      const ppid = Number(f[1]);
      cpu.set(p, (Number(f[11]) + Number(f[12])) * tick);
      children.set(ppid, [...(children.get(ppid) ?? []), p]);
    }
    let total = 0;
    let mainThreads = 0;
    for (const todo = [pid]; todo.length; ) {
      const p = todo.pop()!;
      total += cpu.get(p) ?? 0;
      try {
        const f = fields(readFileSync(`/proc/${p}/task/${p}/stat`, "utf8"));
        mainThreads += (Number(f[11]) + Number(f[12])) * tick;
      } catch {
        // exited meanwhile
      }
      todo.push(...(children.get(p) ?? []));
    }
    return { total, mainThreads };
  } catch {
    return null;
  }
}

/**
 * Starts the app as `npm start` does (building it first when the sources are newer). With
 * BENCH_SERVER_NODE_ARGS, the already-built server is started directly with those Node flags, to
 * profile it under the bench's load: `BENCH_SERVER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof"`
 * (Node refuses --cpu-prof in NODE_OPTIONS); the profiles are written when it exits, at cleanup.
 */
export async function startBenchServer(base: string, env: NodeJS.ProcessEnv, dataDir: string): Promise<{ pid: number | null; cleanup: () => Promise<void> }> {
  const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? "").split(/\s+/).filter(Boolean);
  const { hostname, port } = new URL(base);
  const args = nodeArgs.length
    ? [...nodeArgs, "lib/cli/serve.mjs", "--hostname", hostname, "--port", port]
    : ["--import", "tsx/esm", "lib/cli/start.ts"];
  const server = spawn(process.execPath, args, { env, stdio: ["ignore", "ignore", "inherit"] });
  for (let i = 0; ; i++) {
    if (i > 600) throw new Error("the app did not start");
    if (await fetch(`${base}/api/v1/health`).then((r) => r.ok, () => false)) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  return {
    pid: server.pid ?? null,
    cleanup: async () => {
      server.kill("SIGTERM");
      await new Promise((r) => server.once("exit", r));
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * startBenchServer on PGlite (under `dataDir`), or, given a local PostgreSQL server's URL, on a
 * throw-away database there, which cleanup drops (and a failed start too). `prepare` runs with the
 * server's final environment before it starts (the operator CLI making an API key, say).
 */
export async function startBenchApp<T>(
  base: string,
  env: NodeJS.ProcessEnv,
  dataDir: string,
  db: { postgresUrl: string | undefined; prefix: string },
  prepare: (env: NodeJS.ProcessEnv) => T,
): Promise<{ pid: number | null; cleanup: () => Promise<void>; prepared: T }> {
  if (!db.postgresUrl) {
    const prepared = prepare(env);
    return { ...(await startBenchServer(base, env, dataDir)), prepared };
  }
  const scratch = await createScratchDatabase(db.postgresUrl, db.prefix);
  const pgEnv = { ...env, DATABASE_URL: scratch.url };
  try {
    const prepared = prepare(pgEnv);
    const server = await startBenchServer(base, pgEnv, dataDir);
    return {
      pid: server.pid,
      prepared,
      cleanup: async () => {
        await server.cleanup();
        await scratch.drop();
      },
    };
  } catch (err) {
    await scratch.drop();
    throw err;
  }
}

/**
 * An API key from the operator CLI (`loupe keys create`), made on the bench's throw-away database
 * before the server opens it, with limits high enough not to throttle the run.
 */
export function makeBenchKey(env: NodeJS.ProcessEnv, name: string, scopes: string[]): string {
  const r = spawnSync(
    process.execPath,
    ["lib/cli/loupe.mjs", "keys", "create", "--email", `${name}@loupe.local`, "--role", "editor", "--scopes", scopes.join(","), "--name", name, "--rate-limit", "100000", "--monthly-images", "10000000"],
    { env, encoding: "utf8" },
  );
  const key = r.stdout.trim();
  if (r.status !== 0 || !/^lp_live_/.test(key)) throw new Error(`keys create failed: ${r.stderr}`);
  return key;
}
