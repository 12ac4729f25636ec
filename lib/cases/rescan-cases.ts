import { z } from "zod";
import { authorize, type Ctx } from "../context";
import { normaliseError } from "../errors";
import { MAX_BULK_CASES } from "../limits";
import type { BulkCaseResult } from "./decide-cases";
import { rescanCase } from "./rescan-case";

export const rescanCasesInput = z.object({
  caseIds: z.array(z.string().startsWith("case_")).min(1, "Select at least one case.").max(MAX_BULK_CASES, `Select at most ${MAX_BULK_CASES} cases.`),
});

/** Queue many cases for a rescan, each through `rescanCase` (own transaction and audit); failures are per case. */
export async function rescanCases({ ctx, input }: { ctx: Ctx; input: z.input<typeof rescanCasesInput> }): Promise<BulkCaseResult[]> {
  authorize(ctx.actor, "rescan");
  const data = rescanCasesInput.parse(input);
  const out: BulkCaseResult[] = [];
  for (const caseId of [...new Set(data.caseIds)]) {
    try {
      await rescanCase({ ctx, input: { caseId } });
      out.push({ caseId, ok: true });
    } catch (err) {
      const e = normaliseError(err);
      if (e.code === "forbidden") throw e;
      out.push({ caseId, ok: false, code: e.code, message: e.message });
    }
  }
  return out;
}
