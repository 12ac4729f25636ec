import { z } from "zod";
import { DECISION_OUTCOMES } from "../../db/schema";
import { authorize, type Ctx } from "../context";
import { normaliseError } from "../errors";
import { MAX_BULK_CASES } from "../limits";
import { text } from "../validation";
import { decideCase } from "./decide-case";

export const decideCasesInput = z.object({
  caseIds: z.array(z.string().startsWith("case_")).min(1, "Select at least one case.").max(MAX_BULK_CASES, `Select at most ${MAX_BULK_CASES} cases.`),
  outcome: z.enum(DECISION_OUTCOMES),
  note: text(2000).default(""),
});

/** What happened to one case of a bulk action: done, or the error it met (e.g. not decidable). */
export type BulkCaseResult = { caseId: string; ok: true } | { caseId: string; ok: false; code: string; message: string };

/**
 * One decision for many cases. Each case goes through `decideCase` on its own (its own transaction,
 * transition guard and audit rows), so one case that cannot be decided fails alone and the rest stand.
 */
export async function decideCases({ ctx, input }: { ctx: Ctx; input: z.input<typeof decideCasesInput> }): Promise<BulkCaseResult[]> {
  authorize(ctx.actor, "decide");
  const data = decideCasesInput.parse(input);
  return eachCase(data.caseIds, (caseId) => decideCase({ ctx, input: { caseId, outcome: data.outcome, note: data.note } }));
}

/**
 * Runs `run` for each distinct case id in turn and records what became of it; a `forbidden` error
 * (the actor may not do this at all) ends the whole action instead.
 */
export async function eachCase(caseIds: readonly string[], run: (caseId: string) => Promise<unknown>): Promise<BulkCaseResult[]> {
  const out: BulkCaseResult[] = [];
  for (const caseId of new Set(caseIds)) {
    try {
      await run(caseId);
      out.push({ caseId, ok: true });
    } catch (err) {
      const e = normaliseError(err);
      if (e.code === "forbidden") throw e;
      out.push({ caseId, ok: false, code: e.code, message: e.message });
    }
  }
  return out;
}
