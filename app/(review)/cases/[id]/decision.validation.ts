import { z } from "zod";

export const decisionForm = z.object({
  caseId: z.string().startsWith("case_"),
  outcome: z.enum(["confirmed_ai", "authentic", "needs_more_info"], { message: "Choose an outcome." }),
  note: z.string().max(2000).default(""),
});
