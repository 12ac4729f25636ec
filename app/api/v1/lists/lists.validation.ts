import { z } from "zod";

/** GET /api/v1/lists/{id}/entries: a page size and the cursor from the previous page. */
export const listEntriesQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(1000).default(100),
    cursor: z.string().min(1).max(64).optional(),
  })
  .strict();
