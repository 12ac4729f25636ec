import { z } from "zod";
import { DECISION_OUTCOMES } from "@/db/schema/enums";
import { text } from "@/lib/validation";

export const decisionForm = z.object({
  caseId: z.string().startsWith("case_"),
  outcome: z.enum(DECISION_OUTCOMES, { message: "Choose an outcome." }),
  note: text(2000).default(""),
  /** "amend": change the decision in force on a reviewed case instead of deciding a new one. */
  mode: z.enum(["decide", "amend"]).default("decide"),
  /** "1" when the moderator works through claimed cases: the answer carries the next case to open. */
  advance: z.enum(["0", "1"]).default("0"),
});

export const rescanInput = z.object({ caseId: z.string().startsWith("case_") });

export const claimInput = z.object({ skip: z.string().startsWith("case_").optional() });
export const caseRef = z.object({ caseId: z.string().startsWith("case_") });
export const undoInput = z.object({ decisionId: z.string().startsWith("dec_") });
