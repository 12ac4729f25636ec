// Detection threads: runDetection in worker threads instead of the caller's event loop.
// - The web server stays responsive: a 1024² scan is ~100 ms of CPU-bound JS, a 12 MP one several
//   hundred, and the in-process scan worker would otherwise stall every request meanwhile.
// - Each thread is a fresh V8 isolate, so the engine's typed-array loops run at full speed whatever the
//   host process did (see entry.mjs: one detached ArrayBuffer slows every such loop by ~40 %).
// - A scan that hangs or crashes its thread is stopped and reported as an error (the worker retries the
//   case); the thread is replaced on the next request. A timer-based timeout cannot stop a busy loop.
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import v8 from "node:v8";
import type { Worker } from "node:worker_threads";
import type { DetectionOptions, DetectionReport, ImageError, Result } from "../types";
import type { DetectionReply, DetectionRequest } from "./protocol";

export interface DetectionPoolOptions {
  /** Threads, i.e. images detected at the same time. */
  threads: number;
  /** Hard limit per image, from the moment a thread takes it. */
  timeoutMs: number;
  /** JavaScript heap limit per thread (MB); a thread that runs out is stopped, not the process. */
  maxHeapMb?: number;
  /**
   * V8's initial heap size for the threads (MB), default 64. A scan keeps only ~13 MB of JS objects
   * alive, and from a heap that small V8 set its next full-collection limit so close that a full
   * mark-compact (atomic pause plus incremental steps, 10–20 ms on one core) ran every second 1024²
   * scan; from 64 MB it runs every 10–20 scans. On one core a thread's 1024² p50 went ≈ 105 → ≈ 74 ms.
   * Costs up to that much more resident memory per thread.
   */
  initialHeapMb?: number;
  /** Test seam: another thread entry (a .mjs that answers the protocol). */
  entry?: string;
}

export interface DetectionPool {
  readonly size: number;
  /** Start every thread now, so the first scans do not wait for the engine and model to load. */
  warm(): void;
  /** For health checks: threads configured, running (started on first use or by warm(), replaced after
   * a crash or timeout), busy with an image, and images waiting. */
  stats(): { threads: number; started: number; busy: number; queued: number };
  detect(bytes: Buffer, opts?: DetectionOptions): Promise<Result<DetectionReport, ImageError>>;
  /** Stop every thread; queued and running requests are rejected. */
  close(): Promise<void>;
}

/** This folder in the source tree: next to this file, or from the working directory in a Next bundle. */
// Loaded at run time so that bundlers (Turbopack in `next build`) do not take `new Worker(path)` for a
// worker bundle to build and trace the whole project for it.
const { Worker: WorkerThread } = (await import(/*turbopackIgnore: true*/ "node:worker_threads")) as typeof import("node:worker_threads");

function threadDir(): string {
  try {
    const here = path.dirname(fileURLToPath(import.meta.url));
    if (existsSync(path.join(/*turbopackIgnore: true*/ here, "entry.mjs"))) return here;
  } catch {
    // import.meta.url is not a file URL in some bundles.
  }
  return path.resolve(/*turbopackIgnore: true*/ process.cwd(), "lib/detection/thread");
}

interface Job {
  bytes: Buffer;
  opts: DetectionOptions;
  resolve: (r: Result<DetectionReport, ImageError>) => void;
  reject: (e: Error) => void;
}

interface Slot {
  worker: Worker | null;
  job: Job | null;
  jobId: number;
  timer: NodeJS.Timeout | null;
}

/** Structured clone delivers Buffers as plain Uint8Arrays; give the report its Buffers back. */
function revive(result: Result<DetectionReport, ImageError>): Result<DetectionReport, ImageError> {
  if (result.ok) {
    for (const s of result.value.signals) {
      if (s.heatmap && !Buffer.isBuffer(s.heatmap.png)) {
        const u = s.heatmap.png as Uint8Array;
        s.heatmap.png = Buffer.from(u.buffer, u.byteOffset, u.byteLength);
      }
    }
  }
  return result;
}

/** Throws when the thread's files are missing (a bundle run outside the source tree). */
export function createDetectionPool(options: DetectionPoolOptions): DetectionPool {
  const dir = threadDir();
  const entry = options.entry ?? path.join(/*turbopackIgnore: true*/ dir, "entry.mjs");
  const serve = path.join(/*turbopackIgnore: true*/ dir, "serve.ts");
  for (const f of [entry, serve]) {
    if (!existsSync(f)) throw new Error(`detection thread file not found: ${f} (run from the repository root)`);
  }
  const slots: Slot[] = Array.from({ length: Math.max(1, options.threads) }, () => ({ worker: null, job: null, jobId: 0, timer: null }));
  const queue: Job[] = [];
  let nextId = 1;
  let closed = false;

  function settle(slot: Slot): Job | null {
    const job = slot.job;
    slot.job = null;
    if (slot.timer) clearTimeout(slot.timer);
    slot.timer = null;
    // An idle thread must not keep the process alive.
    slot.worker?.unref();
    return job;
  }

  /** Drop the slot's thread (crashed, hung or closing) and fail its job, if any, with `message`. */
  function discard(slot: Slot, message: string): void {
    const w = slot.worker;
    slot.worker = null;
    const job = settle(slot);
    if (w) void w.terminate();
    job?.reject(new Error(message));
    pump();
  }

  function spawn(slot: Slot): Worker {
    // V8 flags are per process and read when an isolate is created, so this sizes the thread's heap
    // (Worker's resourceLimits has no initial size). The caller's own, already running isolate keeps
    // its settings.
    v8.setFlagsFromString(`--initial-heap-size=${Math.max(1, Math.round(options.initialHeapMb ?? 64))}`);
    // execArgv []: not the parent's flags, which may hold `--import tsx` (see entry.mjs).
    const w = new WorkerThread(entry, {
      execArgv: [],
      workerData: { serve: pathToFileURL(serve).href },
      // Pixel buffers live outside the JS heap; the heap itself stays small (analysis planes ≤ 1024²).
      resourceLimits: { maxOldGenerationSizeMb: options.maxHeapMb ?? 1024 },
    });
    w.on("message", (reply: DetectionReply) => {
      if (slot.worker !== w || !slot.job || reply.id !== slot.jobId) return;
      const job = settle(slot)!;
      if (reply.error !== undefined) job.reject(new Error(`detection failed: ${reply.error}`));
      else job.resolve(revive(reply.result));
      pump();
    });
    w.on("error", (err) => {
      if (slot.worker === w) discard(slot, `detection thread crashed: ${err.message}`);
    });
    w.on("exit", (code) => {
      if (slot.worker === w) discard(slot, `detection thread exited unexpectedly (code ${code})`);
    });
    return w;
  }

  function pump(): void {
    if (closed) return;
    for (const slot of slots) {
      if (slot.job || queue.length === 0) continue;
      const job = queue.shift()!;
      const w = (slot.worker ??= spawn(slot));
      w.ref();
      slot.job = job;
      slot.jobId = nextId++;
      slot.timer = setTimeout(() => {
        discard(slot, `detection timed out after ${Math.round(options.timeoutMs / 1000)} s; its thread was stopped`);
      }, options.timeoutMs);
      // The bytes are copied, not transferred: the caller's Buffer may share a pooled ArrayBuffer.
      const req: DetectionRequest = { id: slot.jobId, bytes: job.bytes, opts: job.opts };
      w.postMessage(req);
    }
  }

  return {
    size: slots.length,
    stats() {
      return {
        threads: slots.length,
        started: slots.filter((s) => s.worker !== null).length,
        busy: slots.filter((s) => s.job !== null).length,
        queued: queue.length,
      };
    },
    warm() {
      if (closed) return;
      for (const slot of slots) {
        // Started unref'd: a warm but idle pool never keeps the process alive.
        if (!slot.worker) (slot.worker = spawn(slot)).unref();
      }
    },
    detect(bytes, opts = {}) {
      if (closed) return Promise.reject(new Error("detection pool is closed"));
      return new Promise((resolve, reject) => {
        queue.push({ bytes, opts, resolve, reject });
        pump();
      });
    },
    async close() {
      closed = true;
      for (const job of queue.splice(0)) job.reject(new Error("detection pool is closed"));
      const workers = slots.map((s) => s.worker).filter((w): w is Worker => w !== null);
      for (const slot of slots) {
        const job = settle(slot);
        slot.worker = null;
        job?.reject(new Error("detection pool is closed"));
      }
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}
