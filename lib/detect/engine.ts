// The engine as the server runs it: in this process's detection threads (shared with the scan worker,
// so API detections and queued scans together never use more than LOUPE_WORKER_CONCURRENCY cores),
// or inline when threads are off or cannot start.
import { statSync } from "node:fs";
import { ENGINE_VERSION, FUSION_VERSION, inspectModelFile, modelSidecarPath, processDetectionPool, runDetection, signals, type DetectionOptions, type DetectionPool, type DetectionReport, type ImageError, type Result } from "../detection";
import { env, paths } from "../env";
import { AppError } from "../errors";
import type { FetchImageOptions } from "../api/fetch-image";
import { loadImageSource, type ImageSource } from "./image-source";

/** This process's detection threads as the operator configured them; null when off or unavailable. */
export function sharedDetectionPool(log: (msg: string) => void = (m) => console.log(`[loupe] ${m}`)): DetectionPool | null {
  if (!env.LOUPE_DETECTION_THREADS) return null;
  return processDetectionPool({ threads: env.LOUPE_WORKER_CONCURRENCY, timeoutMs: env.LOUPE_SCAN_TIMEOUT_SECONDS * 1000 }, log);
}

/** Run the engine off the caller's event loop when threads are available. */
export async function runEngine(bytes: Buffer, opts: DetectionOptions, log?: (msg: string) => void): Promise<Result<DetectionReport, ImageError>> {
  const pool = sharedDetectionPool(log);
  if (pool) return pool.detect(bytes, opts);
  return runDetection(bytes, opts);
}

/** Images detected at the same time: the thread pool's size (batch requests go no wider). */
export function engineConcurrency(): number {
  return sharedDetectionPool()?.size ?? 1;
}

/** The engine's signal ids, in report order. */
export const SIGNAL_IDS: readonly string[] = signals.map((s) => s.id);

/** `id@version` of each signal: a signal's version changes when its output does (CONTRIBUTING.md). */
export function signalVersions(only: readonly string[]): string[] {
  return signals.filter((s) => only.includes(s.id)).map((s) => `${s.id}@${s.version}`);
}

/**
 * The versions a report made now would carry, for the detection cache's key: the model's only when
 * the ml signal runs and the model is installed (otherwise the report carries none).
 */
export async function expectedVersions(only: readonly string[]): Promise<{ engine: string; model: string | null; fusion: string }> {
  return { engine: ENGINE_VERSION, model: only.includes("ml") ? await installedModelVersion() : null, fusion: FUSION_VERSION };
}

function fileStamp(file: string): string {
  const st = statSync(file, { throwIfNoEntry: false });
  return st ? `${st.ino}:${st.size}:${st.mtimeMs}` : "-";
}

let inspected: { stamp: string; version: string | null } | null = null;
let statedAt = -Infinity;

/**
 * The installed detector's version, inspected again only when the model or its sidecar changes on disk
 * (two stats a request instead of reading and hashing the model on every cache lookup).
 */
async function installedModelVersion(): Promise<string | null> {
  // At most once a second (a model replaced on disk is seen within the second): synchronous stats,
  // since a promise each (a trip through libuv's thread pool) showed up in the profile of cached
  // lookups, and so did two stats a request.
  const now = performance.now();
  if (inspected && now - statedAt < 1000) return inspected.version;
  statedAt = now;
  const stamp = [paths.model, modelSidecarPath(paths.model)].map(fileStamp).join("|");
  if (inspected?.stamp !== stamp) {
    const m = await inspectModelFile(paths.model);
    inspected = { stamp, version: m.status === "ok" ? m.version : null };
  }
  return inspected.version;
}

/**
 * Load an image source and run the engine on it, a refusal becoming an AppError naming the input
 * (the stateless endpoints: nothing is stored or cached).
 */
export async function runEngineOnSource(image: ImageSource, opts: DetectionOptions, fetch?: FetchImageOptions): Promise<DetectionReport> {
  const { bytes, param } = await loadImageSource(image, fetch);
  const result = await runEngine(bytes, opts);
  if (!result.ok) throw new AppError(result.error.code, result.error.message, { param });
  return result.value;
}

/** What a report says of the image, as the stateless endpoints return it. */
export function imageSummary(r: DetectionReport): { format: string; mime: string; width: number; height: number; bytes: number } {
  return { format: r.image.format, mime: r.image.mime, width: r.image.width, height: r.image.height, bytes: r.image.sizeBytes };
}
