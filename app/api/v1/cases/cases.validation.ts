import { z } from "zod";
import { QUEUE_STATES } from "@/lib/cases/queries";

export const listCasesQuery = z.object({
  state: z
    .string()
    .optional()
    .transform((v) => (v ? v.split(",") : undefined))
    .pipe(z.array(z.enum(QUEUE_STATES as [string, ...string[]])).optional()),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
});

export const createCaseFields = z.object({
  policy: z.string().max(100).optional(),
  external_ref: z.string().max(200).optional(),
});

export const decisionBody = z.object({
  outcome: z.enum(["confirmed_ai", "authentic", "needs_more_info"]),
  note: z.string().max(2000).optional(),
});
