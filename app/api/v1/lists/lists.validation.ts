import { z } from "zod";
import { AUTO_ADD_OUTCOMES, LIST_ACTIONS } from "@/db/schema/enums";

const autoAddOutcome = z.enum(AUTO_ADD_OUTCOMES).nullable();

/** GET /api/v1/lists/{id}/entries: a page size and the cursor from the previous page. */
export const listEntriesQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(1000).default(100),
    cursor: z.string().min(1).max(64).optional(),
  })
  .strict();

/** POST /api/v1/lists, in the API's snake_case (createList checks the values again). */
export const createListBody = z
  .object({ name: z.string(), action: z.enum(LIST_ACTIONS), description: z.string().optional(), auto_add_outcome: autoAddOutcome.optional(), backfill: z.boolean().optional() })
  .strict();

/** PATCH /api/v1/lists/{id}: what changes. */
export const updateListBody = z
  .object({ description: z.string().optional(), auto_add_outcome: autoAddOutcome.optional(), backfill: z.boolean().optional() })
  .strict()
  .refine((b) => b.description !== undefined || b.auto_add_outcome !== undefined || b.backfill !== undefined, { message: "Send description, auto_add_outcome or backfill." });
