// Image retention: a policy may keep its images for a number of days after its cases are settled
// (cleared by the scan, or reviewed by a person: `coalesce(reviewed_at, scanned_at)`). Then the sweep
// removes the image: the original's bytes (unless another case still shows them), the display
// derivative and the heatmaps. The case stays, with its verdict, scores, hashes, decisions and
// history, in the queue and in every read; its image and heatmap routes answer 410 `image_removed`,
// and it can no longer be rescanned. Cases waiting for a person (quarantined, manual review) or for a
// scan are never touched, nor a case a moderator has claimed. Long-running workers sweep every
// RETENTION_SWEEP_INTERVAL_MS, the route-driven worker at each run, `loupe retention run` on demand.
import { and, asc, desc, eq, inArray, isNotNull, isNull, lt, or, sql } from "drizzle-orm";
import { z } from "zod";
import type { DbOrTx } from "../../db";
import { cases, images, policies, type Policy } from "../../db/schema";
import { writeAudit } from "../audit";
import { authorize, type Ctx } from "../context";
import { AppError } from "../errors";
import { MAX_RETENTION_DAYS, RETENTION_SWEEP_BATCH } from "../limits";
import { getBlobStore } from "../storage";
import { caseBlobs, releaseCaseBlobs } from "./case-blobs";

const SETTLED_STATES = ["cleared", "reviewed"] as const;
const settledAt = sql<Date>`coalesce(${cases.reviewedAt}, ${cases.scannedAt})`;

/** The conditions under which a case's image is due: the sweep's query and the locked re-check share them. */
function dueWhere(retentionDays: number | typeof policies.retentionDays) {
  return and(
    isNull(cases.imageRemovedAt),
    isNull(cases.deletedAt),
    inArray(cases.state, [...SETTLED_STATES]),
    sql`${settledAt} < now() - make_interval(days => ${retentionDays})`,
    or(isNull(cases.claimExpiresAt), lt(cases.claimExpiresAt, sql`now()`)),
  );
}

export interface RetentionStatus {
  policyId: string;
  policy: string;
  retentionDays: number;
  /** Settled cases whose image is past its time now (the next sweep removes them). */
  due: number;
  /** Cases of the policy whose image was removed. */
  removed: number;
}

/** Every policy that sets a retention, with what is due and what was removed. */
export async function retentionStatus(db: DbOrTx): Promise<RetentionStatus[]> {
  const rows = await db
    .select({
      policyId: policies.id,
      policy: policies.name,
      retentionDays: policies.retentionDays,
      due: sql<number>`count(${cases.id}) filter (where ${dueWhere(policies.retentionDays)})`.mapWith(Number),
      removed: sql<number>`count(${cases.id}) filter (where ${isNotNull(cases.imageRemovedAt)} and ${isNull(cases.deletedAt)})`.mapWith(Number),
    })
    .from(policies)
    .leftJoin(cases, eq(cases.policyId, policies.id))
    .where(isNotNull(policies.retentionDays))
    .groupBy(policies.id)
    .orderBy(asc(policies.name));
  return rows.map((r) => ({ ...r, retentionDays: r.retentionDays! }));
}

/**
 * For a process other than the server (`loupe retention run`): true when its blob store holds the
 * image of the newest case that still has one, or no case has one. A command started without the
 * server's DATA_DIR / BLOB_STORE settings opens another, empty store: it would mark images removed
 * while their bytes stayed where the server keeps them.
 */
export async function blobStoreHoldsImages(db: DbOrTx): Promise<boolean> {
  const [newest] = await db
    .select({ key: images.storageKey })
    .from(cases)
    .innerJoin(images, eq(images.id, cases.imageId))
    .where(and(isNull(cases.deletedAt), isNull(cases.imageRemovedAt)))
    .orderBy(desc(cases.createdAt))
    .limit(1);
  return !newest || (await getBlobStore().exists(newest.key));
}

export interface RetentionSweep {
  /** Cases whose image this sweep removed. */
  removed: number;
  /** Originals whose bytes went (an original another case still shows stays). */
  originalsDeleted: number;
  heatmapsDeleted: number;
  /** True when a policy had more due than one sweep takes: the next sweep goes on. */
  more: boolean;
}

/**
 * Removes the images that are due, at most `batch` cases a policy, each case in its own transaction
 * (re-checked under its row lock, skipped when another sweep holds it), so workers may sweep at once.
 */
export async function sweepRetention(db: DbOrTx, opts: { batch?: number } = {}): Promise<RetentionSweep> {
  const batch = opts.batch ?? RETENTION_SWEEP_BATCH;
  const result: RetentionSweep = { removed: 0, originalsDeleted: 0, heatmapsDeleted: 0, more: false };
  const withRetention = await db.select().from(policies).where(isNotNull(policies.retentionDays));
  for (const policy of withRetention) {
    const due = await db
      .select({ id: cases.id })
      .from(cases)
      .where(and(eq(cases.policyId, policy.id), dueWhere(policy.retentionDays!)))
      .orderBy(asc(settledAt))
      .limit(batch + 1);
    if (due.length > batch) result.more = true;
    for (const { id } of due.slice(0, batch)) {
      const done = await removeCaseImage(db, id);
      if (!done) continue;
      result.removed++;
      if (done.imageDeleted) result.originalsDeleted++;
      result.heatmapsDeleted += done.heatmapsDeleted;
    }
  }
  return result;
}

async function removeCaseImage(db: DbOrTx, caseId: string): Promise<{ imageDeleted: boolean; heatmapsDeleted: number } | null> {
  return db.transaction(async (tx) => {
    // The policy as it is now: a retention lengthened or turned off since the query above holds.
    const [row] = await tx
      .select({ c: cases, policy: { name: policies.name, retentionDays: policies.retentionDays } })
      .from(cases)
      .innerJoin(policies, eq(policies.id, cases.policyId))
      .where(and(eq(cases.id, caseId), isNotNull(policies.retentionDays), dueWhere(policies.retentionDays)))
      .for("update", { of: cases, skipLocked: true });
    if (!row) return null;
    const { c, policy } = row;
    const [image] = await tx.select().from(images).where(eq(images.id, c.imageId)).for("update");
    if (!image) return null;
    const blobs = await caseBlobs(tx, c.id, image);
    await tx.update(cases).set({ imageRemovedAt: sql`now()`, updatedAt: sql`now()` }).where(eq(cases.id, c.id));
    await writeAudit(tx, { type: "system" }, {
      action: "case.image_removed",
      caseId: c.id,
      data: {
        policy: policy.name,
        retentionDays: policy.retentionDays,
        settledAt: (c.reviewedAt ?? c.scannedAt)?.toISOString() ?? null,
        sha256: image.sha256,
        dhash: image.phash,
        imageDeleted: blobs.imageDeleted,
        heatmapsDeleted: blobs.heatmapKeys.length,
      },
    });
    await releaseCaseBlobs(blobs);
    return { imageDeleted: blobs.imageDeleted, heatmapsDeleted: blobs.heatmapKeys.length };
  });
}

export const setRetentionInput = z.object({
  /** The policy's id or name. */
  policy: z.string().trim().min(1),
  /** Null keeps images. */
  days: z.number().int().min(1).max(MAX_RETENTION_DAYS).nullable(),
});

/** Sets one policy's retention alone (`loupe retention set`); the policy editor saves it with the rest. */
export async function setRetention({ ctx, input }: { ctx: Ctx; input: z.input<typeof setRetentionInput> }): Promise<Policy> {
  authorize(ctx.actor, "managePolicies");
  const data = setRetentionInput.parse(input);
  return ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .update(policies)
      .set({ retentionDays: data.days, updatedAt: new Date() })
      .where(or(eq(policies.id, data.policy), eq(policies.name, data.policy)))
      .returning();
    if (!row) throw new AppError("not_found", `No policy ${data.policy}.`, { param: "policy" });
    await writeAudit(tx, ctx.actor, { action: "policy.update", targetType: "policy", targetId: row.id, data: { retentionDays: data.days } });
    return row;
  });
}
