// The one module through which a case changes state. Each transition is a guarded UPDATE
// (WHERE state IN allowed sources) plus its audit row and its live event (NOTIFY on commit, which
// wakes workers and updates open pages), and must run inside a transaction.
import { and, eq, inArray, sql } from "drizzle-orm";
import type { Tx } from "../../db";
import { cases, type Case, type CaseState } from "../../db/schema";
import type { Actor } from "../context";
import { AppError } from "../errors";
import { publishCaseEvent } from "../live/publish-case-event";

/** Allowed moves: to-state → the states it may come from. */
export const TRANSITIONS: Record<CaseState, readonly CaseState[]> = {
  pending_scan: ["quarantined", "cleared", "reviewed", "manual_review"], // rescan
  scanning: ["pending_scan", "retry_pending", "scanning"], // claim; scanning→scanning = expired lease taken over
  retry_pending: ["scanning"],
  manual_review: ["scanning", "reviewed"], // reviewed → back: a decision undone (lib/cases/undo-decision.ts)
  quarantined: ["scanning", "reviewed"],
  cleared: ["scanning", "reviewed"],
  reviewed: ["quarantined", "cleared", "manual_review"],
};

export function canTransition(from: CaseState, to: CaseState): boolean {
  return TRANSITIONS[to].includes(from);
}

/** A moderator can decide a case in these states (a decision moves it to `reviewed`). */
export const DECIDABLE_STATES: readonly CaseState[] = TRANSITIONS.reviewed;
/** A case in these states can be sent back for a rescan (a rescan moves it to `pending_scan`). */
export const RESCANNABLE_STATES: readonly CaseState[] = TRANSITIONS.pending_scan;

export const canDecideState = (state: CaseState) => DECIDABLE_STATES.includes(state);
export const canRescanState = (state: CaseState) => RESCANNABLE_STATES.includes(state);

export type CasePatch = Partial<
  Pick<
    Case,
    | "verdict"
    | "score"
    | "confidence"
    | "leaseOwner"
    | "leaseExpiresAt"
    | "scan"
    | "attempts"
    | "nextAttemptAt"
    | "lastError"
    | "scannedAt"
    | "reviewedAt"
    | "claimedBy"
    | "claimExpiresAt"
  >
>;

export interface TransitionInput {
  caseId: string;
  to: CaseState;
  /** Restrict the sources further than TRANSITIONS (e.g. only from `scanning`). */
  from?: readonly CaseState[];
  /** Extra guard, e.g. the worker must still own the lease. */
  leaseOwner?: string;
  patch?: CasePatch;
  reason: string;
  data?: Record<string, unknown>;
  /**
   * The row as the caller already read it FOR UPDATE in this transaction (the worker's claim): its
   * state and deletion are then taken from it rather than locked and read again.
   */
  locked?: Pick<Case, "id" | "state" | "deletedAt">;
}

export async function transitionCase(tx: Tx, actor: Actor, input: TransitionInput): Promise<Case> {
  const allowed = (input.from ?? TRANSITIONS[input.to]).filter((s) => TRANSITIONS[input.to].includes(s));
  const conditions = [eq(cases.id, input.caseId), inArray(cases.state, [...allowed])];
  if (input.leaseOwner !== undefined) conditions.push(eq(cases.leaseOwner, input.leaseOwner));
  const [before] =
    input.locked?.id === input.caseId ? [input.locked] : await tx.select({ state: cases.state, deletedAt: cases.deletedAt }).from(cases).where(eq(cases.id, input.caseId)).for("update");
  // A deleted case (lib/cases/delete-case.ts) moves no more: a scan that was in flight is dropped.
  if (!before || before.deletedAt) throw new AppError("not_found", "Case not found.");
  const [row] = await tx
    .update(cases)
    .set({ ...input.patch, state: input.to, updatedAt: sql`now()` })
    .where(and(...conditions))
    .returning();
  if (!row) {
    throw new AppError("invalid_transition", `Case is ${before.state}; it cannot move to ${input.to}.`);
  }
  // The audit row and the live event, in one statement.
  await publishCaseEvent(tx, row, {
    actor,
    input: { action: "case.transition", caseId: input.caseId, data: { from: before.state, to: input.to, reason: input.reason, ...input.data } },
  });
  return row;
}
