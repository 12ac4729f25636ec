import { z } from "zod";
import { authorize, type Ctx } from "../context";
import { MAX_BULK_CASES } from "../limits";
import { eachCase, type BulkCaseResult } from "./decide-cases";
import { rescanCase } from "./rescan-case";

export const rescanCasesInput = z.object({
  caseIds: z.array(z.string().startsWith("case_")).min(1, "Select at least one case.").max(MAX_BULK_CASES, `Select at most ${MAX_BULK_CASES} cases.`),
});

/** Queue many cases for a rescan, each through `rescanCase` (own transaction and audit); failures are per case. */
export async function rescanCases({ ctx, input }: { ctx: Ctx; input: z.input<typeof rescanCasesInput> }): Promise<BulkCaseResult[]> {
  authorize(ctx.actor, "rescan");
  const data = rescanCasesInput.parse(input);
  return eachCase(data.caseIds, (caseId) => rescanCase({ ctx, input: { caseId } }));
}
