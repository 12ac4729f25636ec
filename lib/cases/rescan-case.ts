import { eq, sql } from "drizzle-orm";
import { z } from "zod";
import { cases, type Case } from "../../db/schema";
import { authorize, type Ctx } from "../context";
import { AppError } from "../errors";
import { transitionCase } from "./transition";

export const rescanCaseInput = z.object({ caseId: z.string().startsWith("case_") });

/**
 * Queue a finished case for a fresh scan (e.g. after a model update or policy change). The scan
 * number goes up and attempts start again, so the new detection joins the case's history instead of
 * colliding with an earlier one.
 */
export async function rescanCase({ ctx, input }: { ctx: Ctx; input: z.input<typeof rescanCaseInput> }): Promise<Case> {
  authorize(ctx.actor, "rescan");
  const data = rescanCaseInput.parse(input);
  return ctx.db.transaction(async (tx) => {
    const [locked] = await tx.select({ id: cases.id, state: cases.state, deletedAt: cases.deletedAt, imageRemovedAt: cases.imageRemovedAt }).from(cases).where(eq(cases.id, data.caseId)).for("update");
    // Nothing to scan: the retention sweep removed the image (lib/cases/retention.ts).
    if (locked && !locked.deletedAt && locked.imageRemovedAt) throw new AppError("image_removed", "This case's image was removed by its policy's retention, so it cannot be scanned again.");
    return transitionCase(tx, ctx.actor, {
      caseId: data.caseId,
      locked,
      to: "pending_scan",
      patch: { scan: sql`${cases.scan} + 1` as unknown as number, attempts: 0, nextAttemptAt: null, lastError: null, leaseOwner: null, leaseExpiresAt: null },
      reason: "rescan_requested",
    });
  });
}
