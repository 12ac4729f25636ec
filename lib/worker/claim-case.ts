import { and, asc, eq, isNull, lte, or, sql } from "drizzle-orm";
import type { Db } from "../../db";
import { cases, type Case } from "../../db/schema";
import type { Actor } from "../context";
import { transitionCase } from "../cases/transition";
import { emitScanFailed } from "../webhooks/events";

export interface ClaimOptions {
  workerId: string;
  leaseSeconds: number;
  maxAttempts: number;
}

const claimable = and(
  isNull(cases.deletedAt),
  or(
    eq(cases.state, "pending_scan"),
    and(eq(cases.state, "retry_pending"), lte(cases.nextAttemptAt, sql`now()`)),
    // A worker that died mid-scan leaves its lease to expire; the case is then claimable again.
    and(eq(cases.state, "scanning"), lte(cases.leaseExpiresAt, sql`now()`)),
  ),
);

/**
 * Claims the oldest claimable case with a row lease (FOR UPDATE SKIP LOCKED, so concurrent
 * workers never take the same row) and moves it to `scanning`. A case that has used up its
 * attempts goes to `manual_review` instead: never dropped silently.
 */
export async function claimCase(db: Db, opts: ClaimOptions): Promise<Case | null> {
  const actor: Actor = { type: "worker", id: opts.workerId };
  for (;;) {
    const result = await db.transaction(async (tx) => {
      const [candidate] = await tx
        .select()
        .from(cases)
        .where(claimable)
        .orderBy(asc(cases.createdAt))
        .limit(1)
        .for("update", { skipLocked: true });
      if (!candidate) return { kind: "none" as const };
      const recovered = candidate.state === "scanning";
      if (candidate.attempts >= opts.maxAttempts) {
        const gaveUp = await transitionCase(tx, actor, {
          caseId: candidate.id,
          to: "manual_review",
          patch: { leaseOwner: null, leaseExpiresAt: null, lastError: candidate.lastError ?? `The scan did not finish after ${candidate.attempts} attempts (the worker stopped); the case now waits for manual review. Reference: ${candidate.id}.` },
          reason: "max_attempts",
          locked: candidate,
          data: { attempts: candidate.attempts, recoveredFrom: recovered ? candidate.leaseOwner : undefined },
        });
        await emitScanFailed(tx, gaveUp);
        return { kind: "skipped" as const };
      }
      const claimed = await transitionCase(tx, actor, {
        caseId: candidate.id,
        to: "scanning",
        from: [candidate.state],
        patch: {
          attempts: candidate.attempts + 1,
          leaseOwner: opts.workerId,
          leaseExpiresAt: sql`now() + make_interval(secs => ${opts.leaseSeconds})` as unknown as Date,
        },
        reason: recovered ? "lease_expired_reclaimed" : "claimed",
        locked: candidate,
        data: { attempt: candidate.attempts + 1, ...(recovered ? { previousOwner: candidate.leaseOwner } : {}) },
      });
      return { kind: "claimed" as const, row: claimed };
    });
    if (result.kind === "claimed") return result.row;
    if (result.kind === "none") return null;
  }
}

/** Extends the lease while a scan runs; false when the lease was lost to another worker. */
export async function renewLease(db: Db, caseId: string, workerId: string, leaseSeconds: number): Promise<boolean> {
  const rows = await db
    .update(cases)
    .set({ leaseExpiresAt: sql`now() + make_interval(secs => ${leaseSeconds})` })
    .where(and(eq(cases.id, caseId), eq(cases.leaseOwner, workerId), eq(cases.state, "scanning")))
    .returning({ id: cases.id });
  return rows.length === 1;
}
