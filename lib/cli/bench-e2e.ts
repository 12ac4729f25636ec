// `npm run bench:e2e`: upload → verdict latency as a user sees it. Starts the built app on a spare port
// with a throw-away PGlite database — or, with BENCH_DATABASE_URL (a local PostgreSQL server), a
// throw-away database there — and an API key made beforehand by the operator CLI (scopes cases:write
// and cases:read, limits high enough not to throttle the run), or targets BENCH_URL with BENCH_KEY (and
// BENCH_PID, the server's process id on this machine, for its CPU time); opens the live stream
// (GET /api/v1/events) and uploads 1024×1024 JPEGs through POST /api/v1/cases, as an integrator's
// pipeline does: a case's latency runs from the start of its upload to its verdict arriving on the stream.
//   0. first the engine alone, inline on one core, as the scans run it (with heatmaps), after a warm-up;
//      then 30 distinct images per detection thread through the app, to warm the threads up;
//   1. one image at a time on an idle app, 20 times: p50/p95;
//   2. 200 images from 8 concurrent clients (each uploads, waits for the verdict, uploads the next):
//      p50/p95 and scans/s, as a fraction of the engine's single-core rate (from its CPU time) × cores.
// Beside (2), the server's CPU time per scanned image (all its processes and threads, from /proc) and
// the engine's own: the difference is what the upload, the queue, the database (PGlite runs in the
// server's process) and the live stream cost per image; that CPU split between the main thread and the
// others; and this bench's own CPU per image (its uploads and stream share the cores), with the rate
// the cores allow at those costs. Numbers to read, not assertions.
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import sharp from "sharp";
import { runDetection } from "../detection";
import { benchJpeg, makeBenchKey, pct, processTreeCpu, startBenchApp } from "./bench-support";

const PORT = Number(process.env.BENCH_PORT ?? 3299);
const BASE = process.env.BENCH_URL ?? `http://127.0.0.1:${PORT}`;
const IDLE_RUNS = Number(process.env.BENCH_IDLE_RUNS ?? 20);
const LOAD_IMAGES = Number(process.env.BENCH_IMAGES ?? 200);
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 8);
/** How the images are sent: a multipart `file` part (the default, what a browser form sends) or `raw` bytes as the body. */
const UPLOAD = process.env.BENCH_UPLOAD === "raw" ? "raw" : "multipart";
const ENGINE_RUNS = 20;
// Each detection thread is its own V8 isolate that compiles the engine for itself, and until some 30
// scans in that compiling added ~20 CPU ms per scan (lib/cli/bench-api.ts): the load phase comes after
// this many distinct images per thread, and the inline engine run after as many of its own.
const WARMUP_PER_THREAD = 30;
const TERMINAL = new Set(["quarantined", "cleared", "manual_review"]);



/** The live stream: resolves `verdict(caseId)` when the case reaches a terminal state. */
async function openStream(key: string) {
  const abort = new AbortController();
  const res = await fetch(`${BASE}/api/v1/events`, { headers: { authorization: `Bearer ${key}` }, signal: abort.signal });
  if (res.status !== 200) throw new Error(`GET /api/v1/events answered ${res.status}`);
  const done = new Map<string, number>();
  const waiters = new Map<string, (at: number) => void>();
  let ready!: () => void;
  const isReady = new Promise<void>((r) => (ready = r));
  void (async () => {
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let buf = "";
    for (;;) {
      const r = await reader.read().catch(() => ({ done: true as const, value: undefined }));
      if (r.done) return;
      buf += decoder.decode(r.value, { stream: true });
      for (let end = buf.indexOf("\n\n"); end >= 0; end = buf.indexOf("\n\n")) {
        const block = buf.slice(0, end);
        buf = buf.slice(end + 2);
        if (block.includes("event: ready")) ready();
        const data = block.split("\n").find((l) => l.startsWith("data: "));
        if (!block.includes("event: case") || !data) continue;
        const e = JSON.parse(data.slice(6)) as { case_id: string; state: string };
        if (!TERMINAL.has(e.state)) continue;
        const at = performance.now();
        done.set(e.case_id, at);
        waiters.get(e.case_id)?.(at);
      }
    }
  })();
  await isReady;
  return {
    close: () => abort.abort(),
    verdict: (caseId: string) =>
      new Promise<number>((resolve) => {
        const at = done.get(caseId);
        if (at !== undefined) resolve(at);
        else waiters.set(caseId, resolve);
      }),
  };
}

async function uploadAndWait(key: string, stream: Awaited<ReturnType<typeof openStream>>, bytes: Buffer, name: string): Promise<number> {
  const t0 = performance.now();
  let res: Response;
  if (UPLOAD === "raw") {
    // The image as the body, its name in the query string (POST /api/v1/cases takes either form).
    const url = `${BASE}/api/v1/cases?filename=${encodeURIComponent(name)}`;
    res = await fetch(url, { method: "POST", headers: { authorization: `Bearer ${key}`, "content-type": "image/jpeg" }, body: new Uint8Array(bytes) });
  } else {
    const form = new FormData();
    form.set("file", new Blob([new Uint8Array(bytes)], { type: "image/jpeg" }), name);
    res = await fetch(`${BASE}/api/v1/cases`, { method: "POST", headers: { authorization: `Bearer ${key}` }, body: form });
  }
  if (res.status !== 202) throw new Error(`POST /api/v1/cases answered ${res.status}: ${await res.text()}`);
  const { id } = (await res.json()) as { id: string };
  return (await stream.verdict(id)) - t0;
}

async function startServer(threads: number): Promise<{ key: string; pid: number | null; cleanup: () => Promise<void> }> {
  if (process.env.BENCH_URL) {
    if (!process.env.BENCH_KEY) throw new Error("BENCH_URL needs BENCH_KEY (an API key with the cases:write and cases:read scopes)");
    return { key: process.env.BENCH_KEY, pid: process.env.BENCH_PID ? Number(process.env.BENCH_PID) : null, cleanup: async () => {} };
  }
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "loupe-bench-e2e-"));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(PORT),
    DATA_DIR: dataDir,
    // One scan slot (and detection thread) per core unless the operator says otherwise.
    LOUPE_WORKER_CONCURRENCY: String(threads),
    NODE_ENV: "production",
  };
  delete env.DATABASE_URL;
  // PGlite runs PostgreSQL in WebAssembly on the server's main thread, where it competes with the
  // request handling and the scan slots for one core; on PostgreSQL that work is the server's.
  const { pid, cleanup, prepared: key } = await startBenchApp(BASE, env, dataDir, { postgresUrl: process.env.BENCH_DATABASE_URL, prefix: "loupe_bench_e2e" }, (e) =>
    makeBenchKey(e, "bench-e2e", ["cases:write", "cases:read"]),
  );
  return { key, pid, cleanup };
}

/**
 * The engine alone as the scans run it (with heatmaps), inline on one core (one libvips thread), on
 * images of the same kind, after its own warm-up: CPU ms per scan (this process, every thread) and the
 * wall-time p50. Run before the server starts, so nothing of this process's competes with it.
 */
async function engineAlone(warmup: Buffer[], images: Buffer[]): Promise<{ cpuMs: number; wallP50: number }> {
  sharp.concurrency(1);
  for (const bytes of warmup.slice(0, WARMUP_PER_THREAD)) await runDetection(bytes, { heatmaps: true });
  const engine: number[] = [];
  const cpu0 = process.cpuUsage();
  for (const bytes of images.slice(0, ENGINE_RUNS)) {
    const s = performance.now();
    const r = await runDetection(bytes, { heatmaps: true });
    if (!r.ok) throw new Error(r.error.message);
    engine.push(performance.now() - s);
  }
  const cpu = process.cpuUsage(cpu0);
  return { cpuMs: (cpu.user + cpu.system) / 1000 / engine.length, wallP50: pct(engine, 0.5) };
}

async function main() {
  const cores = os.availableParallelism();
  // One scan slot (and detection thread) per core unless the operator says otherwise.
  const threads = Number(process.env.LOUPE_WORKER_CONCURRENCY ?? cores);
  const warmup = await Promise.all(Array.from({ length: WARMUP_PER_THREAD * threads }, (_, i) => benchJpeg(20_000 + i)));
  const images = await Promise.all(Array.from({ length: LOAD_IMAGES }, (_, i) => benchJpeg(10_000 + i)));
  const engine = await engineAlone(warmup, images);
  const { key, pid, cleanup } = await startServer(threads);
  const f = (x: number) => x.toFixed(0).padStart(7);
  try {
    const stream = await openStream(key);
    const db = process.env.BENCH_URL ? "the target's database" : process.env.BENCH_DATABASE_URL ? "PostgreSQL" : "PGlite";
    console.log(`upload → verdict on the live stream, 1024×1024 JPEG (${UPLOAD}), ${BASE}, ${db}, ${cores} cores, ${threads} detection threads, load average ${os.loadavg().map((x) => x.toFixed(2)).join(" ")}`);

    /** `clients` concurrent clients, each uploading the next image once its last one has its verdict. */
    const upload = async (batch: Buffer[], clients: number, name: string) => {
      const latencies: number[] = [];
      let next = 0;
      await Promise.all(
        Array.from({ length: clients }, async () => {
          for (let i = next++; i < batch.length; i = next++) latencies.push(await uploadAndWait(key, stream, batch[i]!, `${name}-${i}.jpg`));
        }),
      );
      return latencies;
    };
    await upload(warmup, CLIENTS, "warmup");

    const idle: number[] = [];
    for (let i = 0; i < IDLE_RUNS; i++) {
      const bytes = await benchJpeg(30_000 + i);
      await new Promise((r) => setTimeout(r, 200)); // idle between uploads
      idle.push(await uploadAndWait(key, stream, bytes, `idle-${i}.jpg`));
    }
    console.log(`                                  n   p50 ms  p95 ms`);
    console.log(`1 image, idle app            ${String(idle.length).padStart(5)} ${f(pct(idle, 0.5))} ${f(pct(idle, 0.95))}   (target p50 ≤ 300 ms)`);

    const cpuBefore = pid === null ? null : processTreeCpu(pid);
    const ownBefore = process.cpuUsage();
    const t0 = performance.now();
    const loaded = await upload(images, CLIENTS, "load");
    const seconds = (performance.now() - t0) / 1000;
    const own = process.cpuUsage(ownBefore);
    const cpuAfter = pid === null ? null : processTreeCpu(pid);
    const clientCpu = (own.user + own.system) / 1000 / images.length;
    const serverCpu = cpuBefore === null || cpuAfter === null ? null : (cpuAfter.total - cpuBefore.total) / images.length;
    const mainCpu = cpuBefore === null || cpuAfter === null ? null : (cpuAfter.mainThreads - cpuBefore.mainThreads) / images.length;
    const rate = images.length / seconds;
    console.log(`${LOAD_IMAGES} images, ${CLIENTS} clients      ${String(loaded.length).padStart(5)} ${f(pct(loaded, 0.5))} ${f(pct(loaded, 0.95))}   ${rate.toFixed(2)} scans/s (${seconds.toFixed(1)} s)`);
    stream.close();

    const engineCpu = engine.cpuMs;
    const single = 1000 / engineCpu;
    console.log(`CPU ms per scanned image: server ${serverCpu === null ? "-" : serverCpu.toFixed(1)} (all its processes and threads, during the ${LOAD_IMAGES}), engine alone ${engineCpu.toFixed(1)}; outside the engine ${serverCpu === null ? "-" : (serverCpu - engineCpu).toFixed(1)}`);
    console.log(`engine alone, one core: ${engineCpu.toFixed(1)} CPU ms/scan (wall p50 ${engine.wallP50.toFixed(0)} ms) = ${single.toFixed(2)} scans/s; × ${cores} cores = ${(single * cores).toFixed(2)} scans/s`);
    console.log(`end-to-end scans/s as a fraction of that: ${((rate / (single * cores)) * 100).toFixed(0)}% (target ≥ 85%)`);
    if (serverCpu !== null && mainCpu !== null) {
      // The main thread serves HTTP, runs the database client (on PGlite, the database itself), the
      // queue and the live stream; the detection threads, libuv's pool (image decoding, files) and
      // V8's helpers are the rest.
      console.log(`of the server's CPU per image: main thread ${mainCpu.toFixed(1)} ms, its other threads ${(serverCpu - mainCpu).toFixed(1)} ms`);
      // This bench's uploads and stream share the cores with the server: the most these costs allow.
      const ceiling = (cores * 1000) / (serverCpu + clientCpu);
      console.log(`this bench's own CPU per image: ${clientCpu.toFixed(1)} ms; server + bench = ${(serverCpu + clientCpu).toFixed(1)} CPU ms/image: ${cores} cores allow at most ${ceiling.toFixed(2)} scans/s at those costs (measured ${rate.toFixed(2)}, ${((rate / ceiling) * 100).toFixed(0)}%)`);
    }
  } finally {
    await cleanup();
  }
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
