import { z } from "zod";
import type { Case } from "../../db/schema";
import { PERMISSIONS } from "../auth/roles";
import { authorize, type Ctx } from "../context";
import { transitionCase } from "./transition";

export const rescanCaseInput = z.object({ caseId: z.string().startsWith("case_") });

/** Queue a finished case for a fresh scan (e.g. after a model update or policy change). */
export async function rescanCase({ ctx, input }: { ctx: Ctx; input: z.input<typeof rescanCaseInput> }): Promise<Case> {
  authorize(ctx.actor, PERMISSIONS.rescan);
  const data = rescanCaseInput.parse(input);
  return ctx.db.transaction((tx) =>
    transitionCase(tx, ctx.actor, {
      caseId: data.caseId,
      to: "pending_scan",
      patch: { attempts: 0, nextAttemptAt: null, lastError: null, leaseOwner: null, leaseExpiresAt: null },
      reason: "rescan_requested",
    }),
  );
}
