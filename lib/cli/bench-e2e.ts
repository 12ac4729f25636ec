// `npm run bench:e2e`: upload → verdict latency as a user sees it. Starts the built app on a spare port
// with a throw-away PGlite database — or, with BENCH_DATABASE_URL (a local PostgreSQL server), a
// throw-away database there — (or targets BENCH_URL with BENCH_EMAIL/BENCH_PASSWORD), signs in,
// opens the live stream (GET /api/v1/events) and uploads 1024×1024 JPEGs through POST /api/v1/cases:
// a case's latency runs from the start of its upload to its verdict arriving on the stream.
//   1. one image at a time on an idle app, 20 times (after 2 warm-ups): p50/p95;
//   2. 200 images from 8 concurrent clients (each uploads, waits for the verdict, uploads the next):
//      p50/p95 and scans/s;
// then the engine alone on the same image, inline on one core, and scans/s of (2) as a fraction of
// that single-core rate × cores. Numbers to read, not assertions.
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import sharp from "sharp";
import { runDetection } from "../detection";
import { createScratchDatabase } from "../testing/test-db";
import { benchJpeg, pct, startBenchServer } from "./bench-support";

const PORT = Number(process.env.BENCH_PORT ?? 3299);
const BASE = process.env.BENCH_URL ?? `http://127.0.0.1:${PORT}`;
const ADMIN = { email: process.env.BENCH_EMAIL ?? "bench@loupe.local", password: process.env.BENCH_PASSWORD ?? "bench-admin-password" };
const IDLE_RUNS = Number(process.env.BENCH_IDLE_RUNS ?? 20);
const LOAD_IMAGES = Number(process.env.BENCH_IMAGES ?? 200);
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 8);
const ENGINE_RUNS = 10;
const TERMINAL = new Set(["quarantined", "cleared", "manual_review"]);



async function signIn(): Promise<string> {
  const cookies = new Map<string, string>();
  const take = (res: Response) => {
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(";");
      const i = pair!.indexOf("=");
      cookies.set(pair!.slice(0, i), pair!.slice(i + 1));
    }
  };
  const header = () => [...cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  const csrf = await fetch(`${BASE}/api/auth/csrf`);
  take(csrf);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const res = await fetch(`${BASE}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: header() },
    body: new URLSearchParams({ email: ADMIN.email, password: ADMIN.password, csrfToken, callbackUrl: `${BASE}/queue` }),
  });
  take(res);
  if (![...cookies.keys()].some((k) => k.includes("session-token"))) throw new Error("could not sign in");
  return header();
}

/** The live stream: resolves `verdict(caseId)` when the case reaches a terminal state. */
async function openStream(cookie: string) {
  const abort = new AbortController();
  const res = await fetch(`${BASE}/api/v1/events`, { headers: { cookie }, signal: abort.signal });
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

async function uploadAndWait(cookie: string, stream: Awaited<ReturnType<typeof openStream>>, bytes: Buffer, name: string): Promise<number> {
  const form = new FormData();
  form.set("file", new Blob([new Uint8Array(bytes)], { type: "image/jpeg" }), name);
  const t0 = performance.now();
  const res = await fetch(`${BASE}/api/v1/cases`, { method: "POST", headers: { cookie }, body: form });
  if (res.status !== 202) throw new Error(`POST /api/v1/cases answered ${res.status}: ${await res.text()}`);
  const { id } = (await res.json()) as { id: string };
  return (await stream.verdict(id)) - t0;
}

async function startServer(): Promise<{ cleanup: () => Promise<void> }> {
  if (process.env.BENCH_URL) return { cleanup: async () => {} };
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "loupe-bench-e2e-"));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(PORT),
    DATA_DIR: dataDir,
    LOUPE_ADMIN_EMAIL: ADMIN.email,
    LOUPE_ADMIN_PASSWORD: ADMIN.password,
    // One scan slot (and detection thread) per core unless the operator says otherwise.
    LOUPE_WORKER_CONCURRENCY: process.env.LOUPE_WORKER_CONCURRENCY ?? String(os.availableParallelism()),
    NODE_ENV: "production",
  };
  delete env.DATABASE_URL;
  if (!process.env.BENCH_DATABASE_URL) return startBenchServer(BASE, env, dataDir);
  // PGlite runs PostgreSQL in WebAssembly on the server's main thread, where it competes with the
  // request handling and the scan slots for one core; on PostgreSQL that work is the server's.
  const scratch = await createScratchDatabase(process.env.BENCH_DATABASE_URL, "loupe_bench_e2e");
  try {
    const server = await startBenchServer(BASE, { ...env, DATABASE_URL: scratch.url }, dataDir);
    return {
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

async function main() {
  const cores = os.availableParallelism();
  const { cleanup } = await startServer();
  const f = (x: number) => x.toFixed(0).padStart(7);
  try {
    const cookie = await signIn();
    const stream = await openStream(cookie);
    let seed = 1;
    const db = process.env.BENCH_URL ? "the target's database" : process.env.BENCH_DATABASE_URL ? "PostgreSQL" : "PGlite";
    console.log(`upload → verdict on the live stream, 1024×1024 JPEG, ${BASE}, ${db}, ${cores} cores, load average ${os.loadavg().map((x) => x.toFixed(2)).join(" ")}`);

    for (let i = 0; i < 2; i++) await uploadAndWait(cookie, stream, await benchJpeg(seed++), "warmup.jpg");
    const idle: number[] = [];
    for (let i = 0; i < IDLE_RUNS; i++) {
      const bytes = await benchJpeg(seed++);
      await new Promise((r) => setTimeout(r, 200)); // idle between uploads
      idle.push(await uploadAndWait(cookie, stream, bytes, `idle-${i}.jpg`));
    }
    console.log(`                                  n   p50 ms  p95 ms`);
    console.log(`1 image, idle app            ${String(idle.length).padStart(5)} ${f(pct(idle, 0.5))} ${f(pct(idle, 0.95))}   (target p50 ≤ 300 ms)`);

    const images = await Promise.all(Array.from({ length: LOAD_IMAGES }, (_, i) => benchJpeg(10_000 + i)));
    const loaded: number[] = [];
    let next = 0;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: CLIENTS }, async () => {
        for (let i = next++; i < images.length; i = next++) loaded.push(await uploadAndWait(cookie, stream, images[i]!, `load-${i}.jpg`));
      }),
    );
    const seconds = (performance.now() - t0) / 1000;
    const rate = images.length / seconds;
    console.log(`${LOAD_IMAGES} images, ${CLIENTS} clients      ${String(loaded.length).padStart(5)} ${f(pct(loaded, 0.5))} ${f(pct(loaded, 0.95))}   ${rate.toFixed(2)} scans/s (${seconds.toFixed(1)} s)`);
    stream.close();

    // The engine alone, inline on one core (one libvips thread), on an image of the same kind.
    sharp.concurrency(1);
    const bytes = await benchJpeg(1);
    for (let i = 0; i < 3; i++) await runDetection(bytes, { heatmaps: true });
    const engine: number[] = [];
    for (let i = 0; i < ENGINE_RUNS; i++) {
      const s = performance.now();
      const r = await runDetection(bytes, { heatmaps: true });
      if (!r.ok) throw new Error(r.error.message);
      engine.push(performance.now() - s);
    }
    const single = 1000 / pct(engine, 0.5);
    console.log(`engine alone, one core: p50 ${pct(engine, 0.5).toFixed(0)} ms/scan = ${single.toFixed(2)} scans/s; × ${cores} cores = ${(single * cores).toFixed(2)} scans/s`);
    console.log(`end-to-end scans/s as a fraction of that: ${((rate / (single * cores)) * 100).toFixed(0)}%`);
  } finally {
    await cleanup();
  }
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
