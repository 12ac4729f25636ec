// Scans one claimed case: read the original, run the engine, store heatmaps, then — in one
// transaction guarded by the lease — insert the detection row and move the case on.
import { and, eq } from "drizzle-orm";
import type { Db } from "../../db";
import { cases, detections, images, jobs, policies, type Case, type StoredSignal } from "../../db/schema";
import type { Actor } from "../context";
import { transitionCase } from "../cases/transition";
import type { DetectionReport, ImageError, Predecoded, Result } from "../detection";
import { AppError } from "../errors";
import { newId } from "../ids";
import { findListMatches } from "../lists/find-matches";
import { applyPolicy, decidingMatch } from "../policies/apply-policy";
import { getBlobStore, heatmapKey } from "../storage";
import { emitScanCompleted, emitScanFailed } from "../webhooks/events";
import { renewLease } from "./claim-case";
import { takeDecoded } from "./decoded-handoff";

/** `predecoded`: the upload's decode of these bytes, when this process still held it (./decoded-handoff.ts). */
export type DetectFn = (bytes: Buffer, predecoded?: Predecoded) => Promise<Result<DetectionReport, ImageError>>;

export interface ScanOptions {
  workerId: string;
  leaseSeconds: number;
  maxAttempts: number;
  detect: DetectFn;
}

export type ScanResult =
  | { kind: "completed"; state: "quarantined" | "cleared"; detectionId: string }
  | { kind: "lease_lost" }
  /** `error` is the internal reason, for the log only; the case keeps a user-facing message. */
  | { kind: "failed"; state: "retry_pending" | "manual_review"; error: string };

/** Backoff before attempt n+1: 5 s, 20 s, 80 s … capped at 10 minutes. */
export function retryDelaySeconds(attempts: number): number {
  return Math.min(600, 5 * 4 ** Math.max(0, attempts - 1));
}

export async function scanCase(db: Db, claimed: Case, opts: ScanOptions): Promise<ScanResult> {
  const actor: Actor = { type: "worker", id: opts.workerId };
  let leaseLost = false;
  const heartbeat = setInterval(
    () => {
      renewLease(db, claimed.id, opts.workerId, opts.leaseSeconds)
        .then((ok) => {
          if (!ok) leaseLost = true;
        })
        .catch(() => {});
    },
    Math.max(1000, (opts.leaseSeconds * 1000) / 3),
  );
  heartbeat.unref?.();
  try {
    const [image] = await db.select().from(images).where(eq(images.id, claimed.imageId));
    if (!image) throw new Error(`image ${claimed.imageId} missing`);
    // Uploaded through this process moments ago: its bytes and decoded pixels are still here.
    const handed = takeDecoded(image.sha256);
    const bytes = handed?.bytes ?? (await getBlobStore().get(image.storageKey));
    if (!bytes) throw new Error(`blob ${image.storageKey} missing`);
    const result = await opts.detect(bytes, handed?.predecoded);
    if (leaseLost) return { kind: "lease_lost" };
    if (!result.ok) {
      // The bytes passed the decode at upload but the engine refused them now: retrying cannot help.
      // The engine's refusal messages are written for users.
      return await fail(db, actor, claimed, opts, { internal: `${result.error.code}: ${result.error.message}`, shown: result.error.message }, true);
    }
    return await completeScan(db, actor, claimed, opts, result.value);
  } catch (err) {
    if (leaseLost) return { kind: "lease_lost" };
    const message = err instanceof Error ? err.message : String(err);
    return await fail(db, actor, claimed, opts, { internal: message }, false);
  } finally {
    clearInterval(heartbeat);
  }
}

/**
 * Store a finished report for a case this worker holds in `scanning` and move the case on. Also used
 * by `POST /api/v1/detect` with create_case, which claims the case it created and records the report
 * it already made, so the queue does not scan the image a second time (lib/detect/detect-image.ts).
 */
export async function completeScan(
  db: Db,
  actor: Actor,
  claimed: Case,
  opts: Pick<ScanOptions, "workerId">,
  report: DetectionReport,
): Promise<ScanResult> {
  const detectionId = newId("detection");
  const store = getBlobStore();
  const signals: StoredSignal[] = [];
  for (const s of report.signals) {
    const { heatmap, ...rest } = s;
    let heatmapRef: { key: string; label: string } | undefined;
    if (heatmap) {
      const key = heatmapKey(detectionId, s.id);
      await store.put(key, heatmap.png);
      heatmapRef = { key, label: heatmap.label };
    }
    signals.push({ ...rest, ...(heatmapRef ? { heatmap: heatmapRef } : {}) });
  }
  try {
    return await db.transaction(async (tx) => {
      // The case locked, its policy, its image's hashes and the job of this scan (if any), in one statement.
      const [locked] = await tx
        .select({
          id: cases.id,
          state: cases.state,
          deletedAt: cases.deletedAt,
          policy: policies,
          job: jobs,
          image: { sha256: images.sha256, phash: images.phash, phashInformative: images.phashInformative },
        })
        .from(cases)
        .innerJoin(policies, eq(policies.id, cases.policyId))
        .innerJoin(images, eq(images.id, cases.imageId))
        .leftJoin(jobs, and(eq(jobs.caseId, cases.id), eq(jobs.scan, cases.scan)))
        .where(eq(cases.id, claimed.id))
        .for("update", { of: cases });
      if (!locked) throw new AppError("not_found", "Case not found.");
      const { policy } = locked;
      // Image lists decide before the thresholds (lib/lists/); read in this transaction, so the
      // outcome and the matches it records agree.
      const listMatches = await findListMatches(tx, locked.image);
      const outcome = applyPolicy(policy, report, listMatches);
      const listed = decidingMatch(listMatches);
      const moved = await transitionCase(tx, actor, {
        caseId: claimed.id,
        to: outcome,
        from: ["scanning"],
        leaseOwner: opts.workerId,
        locked,
        patch: {
          verdict: report.verdict,
          score: report.score,
          confidence: report.confidence,
          leaseOwner: null,
          leaseExpiresAt: null,
          lastError: null,
          scannedAt: new Date(),
        },
        reason: "scan_completed",
        data: { detectionId, verdict: report.verdict, score: report.score, policy: policy.name, ...(listed ? { list: listed.listName } : {}) },
      });
      const [detection] = await tx.insert(detections).values({
        id: detectionId,
        caseId: claimed.id,
        imageId: claimed.imageId,
        scan: claimed.scan,
        attempt: claimed.attempts,
        verdict: report.verdict,
        score: report.score,
        confidence: report.confidence,
        uncertainty: report.uncertainty,
        engineVersion: report.engineVersion,
        modelVersion: report.modelVersion,
        fusionVersion: report.fusionVersion,
        signals,
        reasons: report.reasons,
        attribution: report.attribution,
        timings: { ...report.timings, image: report.image },
        policy: {
          id: policy.id,
          name: policy.name,
          quarantineThreshold: policy.quarantineThreshold,
          autoClearThreshold: policy.autoClearThreshold,
          inconclusiveAction: policy.inconclusiveAction,
          outcome,
          ...(listed ? { list: { listId: listed.listId, listName: listed.listName, action: listed.action, match: listed.match, distance: listed.distance } } : {}),
        },
        listMatches,
        workerId: opts.workerId,
      }).returning();
      // Webhook events join the same transaction (the outbox): they commit with the result or not at all.
      await emitScanCompleted(tx, moved, detection!, locked.job);
      return { kind: "completed" as const, state: outcome, detectionId };
    });
  } catch (err) {
    // Another worker took the case over after our lease expired (its result stands, ours is dropped),
    // or the case was deleted meanwhile: the heatmaps written above belong to no row.
    if (err instanceof AppError && (err.code === "invalid_transition" || err.code === "not_found")) {
      for (const s of signals) if (s.heatmap) await store.delete(s.heatmap.key);
      return { kind: "lease_lost" };
    }
    throw err;
  }
}

/** What users read about a failed scan: never the internal error text (SQL, paths, stack lines). */
function failureMessage(claimed: Case, opts: ScanOptions, exhausted: boolean): string {
  const attempt = `attempt ${claimed.attempts} of ${opts.maxAttempts}`;
  return exhausted
    ? `The scan failed on our side (${attempt}); the case now waits for manual review. Reference: ${claimed.id}.`
    : `The scan failed on our side (${attempt}); it will be retried automatically. Reference: ${claimed.id}.`;
}

async function fail(
  db: Db,
  actor: Actor,
  claimed: Case,
  opts: ScanOptions,
  error: { internal: string; shown?: string },
  permanent: boolean,
): Promise<ScanResult> {
  const exhausted = permanent || claimed.attempts >= opts.maxAttempts;
  const to = exhausted ? ("manual_review" as const) : ("retry_pending" as const);
  const shown = error.shown ?? failureMessage(claimed, opts, exhausted);
  try {
    await db.transaction(async (tx) => {
      const moved = await transitionCase(tx, actor, {
        caseId: claimed.id,
        to,
        from: ["scanning"],
        leaseOwner: opts.workerId,
        patch: {
          leaseOwner: null,
          leaseExpiresAt: null,
          lastError: shown.slice(0, 2000),
          nextAttemptAt: exhausted ? null : new Date(Date.now() + retryDelaySeconds(claimed.attempts) * 1000),
        },
        reason: permanent ? "scan_refused_input" : exhausted ? "max_attempts" : "scan_failed",
        data: { attempt: claimed.attempts, error: shown.slice(0, 500) },
      });
      if (exhausted) await emitScanFailed(tx, moved);
    });
  } catch (err) {
    if (err instanceof AppError && (err.code === "invalid_transition" || err.code === "not_found")) return { kind: "lease_lost" };
    throw err;
  }
  return { kind: "failed", state: to, error: error.internal };
}
