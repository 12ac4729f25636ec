import { z } from "zod";
import { DECISION_OUTCOMES } from "@/db/schema/enums";
import { text } from "@/lib/validation";

export const decisionForm = z.object({
  caseId: z.string().startsWith("case_"),
  outcome: z.enum(DECISION_OUTCOMES, { message: "Choose an outcome." }),
  note: text(2000).default(""),
});

export const rescanInput = z.object({ caseId: z.string().startsWith("case_") });
