import { z } from "zod";

export const eventsQuery = z.object({
  /** The id of the last event the client received (the Last-Event-ID header or `?last_event_id=`). */
  last_event_id: z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
});
