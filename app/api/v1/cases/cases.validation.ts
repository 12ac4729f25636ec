import { z } from "zod";
import { text } from "@/lib/validation";
import { CASE_STATES, DECISION_OUTCOMES } from "@/db/schema/enums";

export const listCasesQuery = z.object({
  state: z
    .string()
    .optional()
    .transform((v) => (v ? v.split(",") : undefined))
    .pipe(z.array(z.enum(CASE_STATES)).optional()),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: text(200).optional(),
  external_ref: text(200).optional(),
});

export const createCaseFields = z.object({
  policy: text(100).optional(),
  external_ref: text(200).optional(),
  filename: text(255).optional(),
});

export const decisionBody = z.object({
  outcome: z.enum(DECISION_OUTCOMES),
  note: text(2000).optional(),
});

/** POST /api/v1/cases/{id}/notes (addCaseNote checks the text again). */
export const noteBody = z.object({ body: z.string() }).strict();
