// Synchronous detection (POST /api/v1/detect): one image in, the engine's full result out, in the same
// request. The engine runs in the shared detection threads (lib/detect/engine.ts).
//
// Retention: with `retention=none` the bytes stay in memory: no blob, no images or cases row, no cache
// row (the cache is still read, as a lookup by sha256 writes nothing), no heatmap blobs; heatmaps can
// only come back inline. With `retention=default` the report (never the image) is cached by content
// and options (db/schema/detection-cache.ts); the image itself is stored only with `create_case`.
//
// create_case: the image goes into the review queue through submitImage, the new case claimed by this
// request in the same transaction, and the report it already has is recorded as the case's scan
// (completeScan), so the worker never scans it. Should this process die in between, the claim's lease
// expires and a worker scans the case as usual.
import { CASE_SOURCES } from "../../db/schema/enums";
import { createHash } from "node:crypto";
import { and, eq, inArray, sql } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "../../db";
import { cases, detectionCache, images, type CachedReport, type Case, type DetectionCacheRow, type Image, type ListMatch, type Policy, type StoredSignal } from "../../db/schema";
import type { FetchImageOptions } from "../api/fetch-image";
import { submitImage } from "../cases/submit-image";
import { authorize, type Ctx } from "../context";
import type { DetectionReport } from "../detection";
import { env } from "../env";
import { AppError } from "../errors";
import { newId } from "../ids";
import { findListMatches, listsMayMatch } from "../lists/find-matches";
import { applyPolicy, decidingMatch, type ScanOutcome } from "../policies/apply-policy";
import { resolvePolicy, type ResolvedPolicy } from "../policies/resolve-policy";
import { getBlobStore, heatmapKey } from "../storage";
import { completeScan } from "../worker/scan-case";
import { expectedVersions, runEngine, SIGNAL_IDS, signalVersions } from "./engine";
import { CACHE_TOUCH_MS } from "./cache-eviction";
import { imageSource, loadImageSource, type ImageSource } from "./image-source";
import { parseDetectOptions, type DetectOptions, type DetectOptionsInput } from "./options";

export const detectImageInput = z.object({
  image: imageSource,
  /** Where a case made with create_case says it came from: the API, or the console's quick check. */
  source: z.enum(CASE_SOURCES).default("api"),
  options: z.custom<DetectOptionsInput>((v) => typeof v === "object" && v !== null).default({}),
});
export type DetectImageInput = z.input<typeof detectImageInput>;

export interface DetectHeatmap {
  label: string;
  /** Inline mode: the PNG itself. */
  png?: Buffer;
  /** URL mode: where the stored PNG is served. */
  url?: string;
}

export interface DetectOutcome {
  /** The engine's report without heatmap PNGs (signals carry blob keys when they were stored). */
  report: CachedReport;
  cached: boolean;
  heatmaps: Record<string, DetectHeatmap> | null;
  hashes: { sha256: string; dhash: string };
  policy: Pick<Policy, "id" | "name" | "quarantineThreshold" | "autoClearThreshold" | "inconclusiveAction"> & { outcome: ScanOutcome; listId: string | null };
  /** The image lists the image is on (lib/lists/); they decide the outcome before the thresholds. */
  listMatches: ListMatch[];
  /** The engine called it AI, or its score reached the policy's threshold. */
  isAi: boolean;
  metadata: Record<string, unknown> | null;
  /** With create_case: the case made, and whether this request recorded the scan itself. */
  created: { case: Case; image: Image; deduplicated: boolean; scannedHere: boolean } | null;
  latencyMs: number;
}

export interface DetectDeps {
  /** Test seam for URL inputs (loopback on a test server). */
  fetch?: FetchImageOptions;
}

/** What besides the bytes and the engine, model and fusion versions decides a report. */
function optionsKey(only: readonly string[], heatmaps: boolean): string {
  return `signals=${signalVersions(only).join(",")};heatmaps=${heatmaps ? 1 : 0}`;
}

/**
 * Cache rows this process has read or written, by their full key. A row's report never changes (its
 * key holds the engine, model and fusion versions, so a new engine makes new rows), so a copy in
 * memory stays true in every process: a repeated lookup costs no round trip, until the copy's
 * last_used_at is a day old and the hit goes to the database to renew it. Bounded; the oldest entry
 * goes first.
 */
const MEMO_ROWS = 1000;
const memo = new Map<string, DetectionCacheRow>();

function memoKey(r: Pick<DetectionCacheRow, "sha256" | "engineVersion" | "modelVersion" | "fusionVersion" | "optionsKey">): string {
  return `${r.sha256}|${r.engineVersion}|${r.modelVersion}|${r.fusionVersion}|${r.optionsKey}`;
}

function remember(row: DetectionCacheRow): DetectionCacheRow {
  const k = memoKey(row);
  memo.delete(k);
  memo.set(k, row);
  if (memo.size > MEMO_ROWS) memo.delete(memo.keys().next().value!);
  return row;
}

/** Store a fresh report in the cache (heatmap PNGs as blobs first): the row that holds the key, ours or a racing request's. */
async function storeInCache(db: Ctx["db"], key: { sha256: string; optionsKey: string; dhash: string }, report: DetectionReport) {
  const id = newId("detection");
  const store = getBlobStore();
  const signals: StoredSignal[] = [];
  const written: string[] = [];
  for (const s of report.signals) {
    const { heatmap, ...rest } = s;
    if (heatmap) {
      const k = heatmapKey(id, s.id);
      await store.put(k, heatmap.png);
      written.push(k);
      signals.push({ ...rest, heatmap: { key: k, label: heatmap.label } });
    } else signals.push(rest);
  }
  const values = {
    id,
    sha256: key.sha256,
    engineVersion: report.engineVersion,
    modelVersion: report.modelVersion ?? "",
    fusionVersion: report.fusionVersion,
    optionsKey: key.optionsKey,
    dhash: key.dhash,
    report: { ...report, signals },
  };
  const [row] = await db.insert(detectionCache).values(values).onConflictDoNothing().returning();
  if (row) return remember(row);
  // Another request cached the same key meanwhile: keep its row, drop our blobs.
  for (const k of written) await store.delete(k);
  const [existing] = await db
    .select()
    .from(detectionCache)
    .where(
      and(
        eq(detectionCache.sha256, values.sha256),
        eq(detectionCache.engineVersion, values.engineVersion),
        eq(detectionCache.modelVersion, values.modelVersion),
        eq(detectionCache.fusionVersion, values.fusionVersion),
        eq(detectionCache.optionsKey, values.optionsKey),
      ),
    );
  return existing ? remember(existing) : null;
}

/** A cached report with its heatmap PNGs read back from the blob store. */
async function withHeatmapPngs(report: CachedReport): Promise<DetectionReport> {
  const store = getBlobStore();
  const signals = await Promise.all(
    report.signals.map(async ({ heatmap, ...rest }) => {
      const png = heatmap ? await store.get(heatmap.key) : null;
      return png && heatmap ? { ...rest, heatmap: { png, label: heatmap.label } } : rest;
    }),
  );
  return { ...report, signals };
}

function stripHeatmaps(report: DetectionReport): CachedReport {
  return { ...report, signals: report.signals.map(({ heatmap: _heatmap, ...rest }) => rest) };
}

/**
 * `policy`: the policy the caller already resolved for this actor and origin (the API resolves an API
 * key's while admitting it, lib/api/route.ts); used only when the request names no policy and the
 * origin matches.
 */
export async function detectImage(
  { ctx, input, policy: preResolved }: { ctx: Ctx & { db: Db }; input: DetectImageInput; policy?: (ResolvedPolicy & { origin: string }) | null },
  deps: DetectDeps = {},
): Promise<DetectOutcome> {
  const t0 = performance.now();
  authorize(ctx.actor, "submit");
  const data = detectImageInput.parse(input);
  const options: DetectOptions = parseDetectOptions(data.options);
  // The console's quick check sends its image with source "upload"; for policy assignment it is its own origin.
  const origin = data.source === "upload" ? "quick_check" : "api";
  const { policy } =
    !options.policy && preResolved?.origin === origin
      ? preResolved
      : await resolvePolicy(ctx.db, { nameOrId: options.policy, apiKeyId: ctx.actor.type === "api_key" ? ctx.actor.id : null, origin });
  const src = await loadImageSource(data.image as ImageSource, deps.fetch);
  const { bytes, param } = src;

  const only = options.signals ?? [...SIGNAL_IDS];
  const heatmaps = options.include_heatmaps !== "none" || options.create_case;
  const key = optionsKey(only, heatmaps);
  const sha256 = createHash("sha256").update(bytes).digest("hex");
  const versions = await expectedVersions(only);
  // A request without heatmaps may use a cached report that has them.
  const keys = heatmaps ? [key] : [key, optionsKey(only, true)];
  const known = keys.map((optionsKey) => memo.get(memoKey({ sha256, engineVersion: versions.engine, modelVersion: versions.model ?? "", fusionVersion: versions.fusion, optionsKey }))).find(Boolean);
  let [hit] = known ? [known] : await ctx.db
    .select()
    .from(detectionCache)
    .where(
      and(
        eq(detectionCache.sha256, sha256),
        eq(detectionCache.engineVersion, versions.engine),
        eq(detectionCache.modelVersion, versions.model ?? ""),
        eq(detectionCache.fusionVersion, versions.fusion),
        inArray(detectionCache.optionsKey, keys),
      ),
    )
    .limit(1);

  // An entry last used over a day ago is marked used before it answers (lib/detect/cache-eviction.ts);
  // one evicted in between is no longer there to mark, and the image is detected afresh.
  if (hit && Date.now() - hit.lastUsedAt.getTime() > CACHE_TOUCH_MS) {
    const [touched] = await ctx.db.update(detectionCache).set({ lastUsedAt: sql`now()` }).where(eq(detectionCache.id, hit.id)).returning();
    hit = touched ? remember(touched) : undefined;
  }

  let report: CachedReport;
  let full: DetectionReport | null = null;
  let cacheId: string | null = null;
  let dhash: string;
  if (hit) {
    if (!known) remember(hit);
    report = hit.report;
    cacheId = hit.id;
    dhash = hit.dhash;
  } else {
    // Decoded once, in the detection thread, which also computes the difference hash: this thread only
    // waits (a second decode here took a core's share from the threads under load).
    const result = await runEngine(bytes, { heatmaps, only });
    if (!result.ok) throw new AppError(result.error.code, result.error.message, { param });
    full = result.value;
    dhash = full.dhash!;
    report = stripHeatmaps(full);
    if (options.retention === "default") {
      const row = await storeInCache(ctx.db, { sha256, optionsKey: key, dhash }, full);
      if (row) {
        report = row.report;
        cacheId = row.id;
      }
    }
  }

  let heatmapOut: Record<string, DetectHeatmap> | null = null;
  if (options.include_heatmaps !== "none") {
    heatmapOut = {};
    if (options.include_heatmaps === "inline") {
      const withPngs = full ?? (await withHeatmapPngs(report));
      for (const s of withPngs.signals) if (s.heatmap) heatmapOut[s.id] = { label: s.heatmap.label, png: s.heatmap.png };
    } else {
      for (const s of report.signals) if (s.heatmap && cacheId) heatmapOut[s.id] = { label: s.heatmap.label, url: `/api/v1/detections/${cacheId}/heatmaps/${s.id}` };
    }
  }

  let created: DetectOutcome["created"] = null;
  if (options.create_case) {
    // The case is created already claimed by this request (submitImage's claimAs), then this report
    // is recorded as its scan: the worker never sees it pending.
    const workerId = newId("worker");
    const sub = await submitImage({
      ctx,
      input: {
        bytes,
        filename: options.filename ?? src.filename,
        source: data.source,
        // Resolved again inside the case's transaction, so its audit row records which rule chose the policy.
        policyName: options.policy,
        origin,
        externalRef: options.external_ref,
        claimAs: { workerId, leaseSeconds: env.LOUPE_LEASE_SECONDS },
      },
    });
    const recorded = await completeScan(ctx.db, { type: "worker", id: workerId }, sub.case, { workerId }, full ?? (await withHeatmapPngs(report)));
    const scannedHere = recorded.kind === "completed";
    const [c] = await ctx.db.select().from(cases).where(eq(cases.id, sub.case.id));
    const [img] = await ctx.db.select().from(images).where(eq(images.id, sub.image.id));
    created = { case: c!, image: img!, deduplicated: sub.deduplicated, scannedHere };
  }

  // The same lists a scan of this image would match. A flat picture's hash, or a cached report from
  // before the hash's informativeness was recorded, matches the same bytes only.
  const listMatches = (await listsMayMatch(ctx.db)) ? await findListMatches(ctx.db, { sha256, phash: dhash, phashInformative: report.dhashInformative === true }) : [];
  const outcome = applyPolicy(policy, report, listMatches);
  return {
    report,
    cached: Boolean(hit),
    heatmaps: heatmapOut,
    hashes: { sha256, dhash },
    policy: { id: policy.id, name: policy.name, quarantineThreshold: policy.quarantineThreshold, autoClearThreshold: policy.autoClearThreshold, inconclusiveAction: policy.inconclusiveAction, outcome, listId: decidingMatch(listMatches)?.listId ?? null },
    listMatches,
    isAi: report.verdict === "ai_generated" || report.score >= policy.quarantineThreshold,
    metadata: options.metadata ?? null,
    created,
    latencyMs: Math.round(performance.now() - t0),
  };
}
