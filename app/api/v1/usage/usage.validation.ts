import { z } from "zod";

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "a date as YYYY-MM-DD");

/** `?from=` (inclusive) and `?to=` (exclusive) UTC days; default this month so far. */
export const usageQuery = z.object({ from: day.optional(), to: day.optional() });
