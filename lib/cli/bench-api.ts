// `npm run bench:api`: throughput and latency of the Integration API. Starts the built app on a spare
// port with a throw-away PGlite database — or, with BENCH_DATABASE_URL (a local PostgreSQL server), a
// throw-away database there — and an API key made beforehand by the operator CLI (`loupe keys create`,
// with limits high enough not to throttle the run), or targets BENCH_URL with BENCH_KEY (and BENCH_PID,
// the server's process id on this machine, for its CPU time). Then:
//   1. sync POST /api/v1/detect of distinct 1024² JPEGs (raw bodies), concurrency 4: req/s, p50, p99, errors,
//      beside the engine alone (inline, one core's rate from its CPU time) × cores, the most the
//      detection threads could give;
//   2. cached lookups: the same image again and again (answered from the detection cache), concurrency 32.
// Beside each, the server's CPU time per answered request (all its processes and threads, from /proc):
// on a shared machine latency follows the load, CPU time per request much less. After them, that CPU
// split between the processes' main threads (one serves all of a process's HTTP) and their other
// threads, and autocannon's own CPU (this process, on the same cores when the server is local).
// Numbers to read, not assertions.
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import autocannon from "autocannon";
import sharp from "sharp";
import { runDetection } from "../detection";
import { benchJpeg, makeBenchKey, pct, processTreeCpu, startBenchApp } from "./bench-support";

const PORT = Number(process.env.BENCH_PORT ?? 3297);
const BASE = process.env.BENCH_URL ?? `http://127.0.0.1:${PORT}`;
const SYNC_IMAGES = Number(process.env.BENCH_IMAGES ?? 40);
const SYNC_CONCURRENCY = 4;
const CACHED_SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CACHED_CONCURRENCY = 32;
const ENGINE_RUNS = 20;
// Distinct images sent first, and inline runs made first: each detection thread is its own V8 isolate
// that compiles the engine for itself, and until some 30 scans in, that compiling (on V8's background
// threads) added ~20 CPU ms per scan; 8 warm-up images a thread still left the measured ones paying
// ~30 CPU ms each (81 → 112 ms per request).
const WARMUP_IMAGES = Math.max(1, Number(process.env.BENCH_WARMUP ?? 32 * os.availableParallelism()));
const ENGINE_WARMUP = 30;



interface Run {
  latencies: number[];
  errors: Map<string, number>;
  seconds: number;
}

/** `concurrency` clients send `next()`'s bodies until it returns null or the time is up. */
async function load(key: string, concurrency: number, next: () => Buffer | null, seconds = Infinity): Promise<Run> {
  const latencies: number[] = [];
  const errors = new Map<string, number>();
  const t0 = performance.now();
  const end = t0 + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let body = next(); body && performance.now() < end; body = next()) {
        const s = performance.now();
        try {
          const res = await fetch(`${BASE}/api/v1/detect`, { method: "POST", headers: { authorization: `Bearer ${key}`, "content-type": "image/jpeg" }, body: new Uint8Array(body) });
          const text = await res.text();
          if (res.status === 200) latencies.push(performance.now() - s);
          else {
            const code = (/"code":"(\w+)"/.exec(text)?.[1] ?? String(res.status));
            errors.set(code, (errors.get(code) ?? 0) + 1);
          }
        } catch (err) {
          const code = (err as Error).message;
          errors.set(code, (errors.get(code) ?? 0) + 1);
        }
      }
    }),
  );
  return { latencies, errors, seconds: (performance.now() - t0) / 1000 };
}

/**
 * autocannon: `connections` keep-alive connections send `body` for `seconds`. The cached lookups run
 * at hundreds of requests a second, where fetch's own CPU time (a share of the same cores the server
 * runs on) was as much as the server's per request; autocannon writes each request as prepared bytes.
 */
async function hammer(key: string, connections: number, body: Buffer, seconds: number): Promise<Run> {
  const latencies: number[] = [];
  const errors = new Map<string, number>();
  const count = (code: string) => errors.set(code, (errors.get(code) ?? 0) + 1);
  const t0 = performance.now();
  await new Promise<void>((resolve, reject) => {
    const instance = autocannon(
      { url: `${BASE}/api/v1/detect`, method: "POST", connections, duration: seconds, headers: { authorization: `Bearer ${key}`, "content-type": "image/jpeg" }, body },
      (err) => (err ? reject(err) : resolve()),
    );
    instance.on("response", (_client, status: number, _bytes: number, ms: number) => (status === 200 ? latencies.push(ms) : count(String(status))));
    instance.on("reqError", (err: Error) => count(err.message));
  });
  return { latencies, errors, seconds: (performance.now() - t0) / 1000 };
}

function report(label: string, r: Run, cpuMs: number | null) {
  const errs = [...r.errors].map(([k, v]) => `${k}×${v}`).join(", ") || "0";
  const perRequest = cpuMs === null || r.latencies.length === 0 ? "-" : (cpuMs / r.latencies.length).toFixed(1);
  console.log(`${label.padEnd(34)} ${String(r.latencies.length).padStart(6)} ${(r.latencies.length / r.seconds).toFixed(1).padStart(8)} ${pct(r.latencies, 0.5).toFixed(0).padStart(7)} ${pct(r.latencies, 0.99).toFixed(0).padStart(7)} ${perRequest.padStart(11)}   ${errs}`);
}

/**
 * CPU ms the server used while `fn` ran (null when it cannot be read: BENCH_URL, not Linux), and this
 * process's own (the load generator's, on the same cores when the server is local).
 */
async function measured<T>(pid: number | null, fn: () => Promise<T>): Promise<[T, number | null, number, number | null]> {
  const before = pid === null ? null : processTreeCpu(pid);
  const own = process.cpuUsage();
  const out = await fn();
  const after = pid === null ? null : processTreeCpu(pid);
  const { user, system } = process.cpuUsage(own);
  const known = before !== null && after !== null;
  return [out, known ? after.total - before.total : null, (user + system) / 1000, known ? after.mainThreads - before.mainThreads : null];
}

async function startServer(): Promise<{ key: string; pid: number | null; cleanup: () => Promise<void> }> {
  if (process.env.BENCH_URL) {
    if (!process.env.BENCH_KEY) throw new Error("BENCH_URL needs BENCH_KEY (an API key with the detect scope)");
    return { key: process.env.BENCH_KEY, pid: process.env.BENCH_PID ? Number(process.env.BENCH_PID) : null, cleanup: async () => {} };
  }
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "loupe-bench-api-"));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(PORT),
    DATA_DIR: dataDir,
    // One detection thread per core unless the operator says otherwise.
    LOUPE_WORKER_CONCURRENCY: process.env.LOUPE_WORKER_CONCURRENCY ?? String(os.availableParallelism()),
    NODE_ENV: "production",
  };
  delete env.DATABASE_URL;
  // PGlite runs PostgreSQL in WebAssembly on the server's main thread; on PostgreSQL that work is the
  // database server's, whose CPU time the per-request numbers below do not include.
  const { pid, cleanup, prepared: key } = await startBenchApp(BASE, env, dataDir, { postgresUrl: process.env.BENCH_DATABASE_URL, prefix: "loupe_bench_api" }, (e) => makeBenchKey(e, "bench-api", ["detect"]));
  return { key, pid, cleanup };
}

/**
 * The engine alone, inline on one thread (one libvips thread), on the same kind of image and as the
 * sync requests run it (no heatmaps: include_heatmaps defaults to none), after its own warm-up: CPU
 * ms per image and the wall-time p50. Run before the server starts, as bench:e2e does: measured after
 * the load phases, this process's garbage from them was collected during the runs and billed to the
 * engine (113 CPU ms an image against the server's 99.5 per request, all of it included).
 */
async function engineAlone(warmup: Buffer[], measuredImages: Buffer[]): Promise<{ cpuMs: number; wallP50: number }> {
  sharp.concurrency(1);
  for (let k = 0; k < ENGINE_WARMUP; k++) await runDetection(warmup[k % warmup.length]!, { heatmaps: false });
  const engine: number[] = [];
  const cpu0 = process.cpuUsage();
  for (let k = 0; k < ENGINE_RUNS; k++) {
    const s = performance.now();
    await runDetection(measuredImages[k % measuredImages.length]!, { heatmaps: false });
    engine.push(performance.now() - s);
  }
  const cpu = process.cpuUsage(cpu0);
  sharp.concurrency(0);
  return { cpuMs: (cpu.user + cpu.system) / 1000 / ENGINE_RUNS, wallP50: pct(engine, 0.5) };
}

async function main() {
  const cores = os.availableParallelism();
  const images: Buffer[] = [];
  for (let i = 0; i < SYNC_IMAGES + WARMUP_IMAGES + 1; i++) images.push(await benchJpeg(1000 + i));
  const engine = await engineAlone(images.slice(SYNC_IMAGES + 1), images.slice(0, SYNC_IMAGES));
  const { key, pid, cleanup } = await startServer();
  try {
    const db = process.env.BENCH_URL ? "the target's database" : process.env.BENCH_DATABASE_URL ? "PostgreSQL" : "PGlite";
    console.log(`POST /api/v1/detect, 1024×1024 JPEG (raw body), ${BASE}, ${db}, ${cores} cores, load average ${os.loadavg().map((x) => x.toFixed(2)).join(" ")}`);
    // Warm-up: the detection threads load the model and compile the engine.
    let w = 0;
    await load(key, SYNC_CONCURRENCY, () => (w < WARMUP_IMAGES ? images[SYNC_IMAGES + 1 + w++]! : null));

    console.log(`${"".padEnd(34)} ${"n".padStart(6)} ${"req/s".padStart(8)} ${"p50 ms".padStart(7)} ${"p99 ms".padStart(7)} ${"CPU ms/req".padStart(11)}   errors`);
    let i = 0;
    const [sync, syncCpu, , syncMain] = await measured(pid, () => load(key, SYNC_CONCURRENCY, () => (i < SYNC_IMAGES ? images[i++]! : null)));
    report(`sync detect, concurrency ${SYNC_CONCURRENCY}`, sync, syncCpu);

    const same = images[0]!; // detected above: in the cache now
    // Unmeasured first: each of the 32 clients opens its connection, and the first requests on new
    // connections were served one after another (the first 32 took 0.3 to 6 s, a staircase).
    await hammer(key, CACHED_CONCURRENCY, same, 3);
    const [cached, cachedCpu, cannonCpu, cachedMain] = await measured(pid, () => hammer(key, CACHED_CONCURRENCY, same, CACHED_SECONDS));
    report(`cached lookup, concurrency ${CACHED_CONCURRENCY}`, cached, cachedCpu);
    console.log(`load average after: ${os.loadavg().map((x) => x.toFixed(2)).join(" ")}`);

    const engineCpu = engine.cpuMs;
    const perCore = 1000 / engineCpu;
    console.log(`engine inline, one thread, no heatmaps: p50 ${engine.wallP50.toFixed(0)} ms wall, ${engineCpu.toFixed(0)} CPU ms → ${perCore.toFixed(2)} img/s per core; × ${cores} cores = ${(perCore * cores).toFixed(2)} img/s`);
    console.log(`sync detect req/s as a fraction of that: ${((sync.latencies.length / sync.seconds) / (perCore * cores) * 100).toFixed(0)}%`);
    if (syncCpu !== null && sync.latencies.length > 0) {
      // The part of the machine the server spends outside the engine (HTTP, database, the copy to the
      // thread): what caps the fraction above when the cores are the limit.
      console.log(`engine CPU per image / server CPU per sync request: ${((engineCpu / (syncCpu / sync.latencies.length)) * 100).toFixed(0)}%`);
      if (syncMain !== null) console.log(`of the server's CPU per sync request: main threads ${(syncMain / sync.latencies.length).toFixed(1)} ms, other threads ${((syncCpu - syncMain) / sync.latencies.length).toFixed(1)} ms`);
    }
    if (cachedCpu !== null && cached.latencies.length > 0) {
      const n = cached.latencies.length;
      console.log(`cached lookups one core could answer at that CPU cost: ${(1000 / (cachedCpu / n)).toFixed(0)}/s`);
      // One main thread serves every request of its process: with one process, its time per request caps the rate.
      if (cachedMain !== null) console.log(`of the server's CPU per cached lookup: main threads ${(cachedMain / n).toFixed(2)} ms, other threads ${((cachedCpu - cachedMain) / n).toFixed(2)} ms`);
      // autocannon runs in this process, on the same cores as the server when the server is local.
      console.log(`autocannon's own CPU per cached lookup: ${(cannonCpu / n).toFixed(2)} ms; server + autocannon: ${cores} cores allow at most ${((cores * 1000) / ((cachedCpu + cannonCpu) / n)).toFixed(0)} lookups/s at those costs`);
    }
  } finally {
    await cleanup();
  }
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
