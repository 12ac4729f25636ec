import { sql } from "drizzle-orm";
import { z } from "zod";
import { cases, type Case } from "../../db/schema";
import { authorize, type Ctx } from "../context";
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
  return ctx.db.transaction((tx) =>
    transitionCase(tx, ctx.actor, {
      caseId: data.caseId,
      to: "pending_scan",
      patch: { scan: sql`${cases.scan} + 1` as unknown as number, attempts: 0, nextAttemptAt: null, lastError: null, leaseOwner: null, leaseExpiresAt: null },
      reason: "rescan_requested",
    }),
  );
}
