import { z } from "zod";
import { CASE_STATES, DECISION_OUTCOMES } from "@/db/schema/enums";

export const listCasesQuery = z.object({
  state: z
    .string()
    .optional()
    .transform((v) => (v ? v.split(",") : undefined))
    .pipe(z.array(z.enum(CASE_STATES)).optional()),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
});

export const createCaseFields = z.object({
  policy: z.string().max(100).optional(),
  external_ref: z.string().max(200).optional(),
});

export const decisionBody = z.object({
  outcome: z.enum(DECISION_OUTCOMES),
  note: z.string().max(2000).optional(),
});
