import { z } from "zod";

export const replayInput = z.object({ deliveryId: z.string().startsWith("whd_") });
export const endpointInput = z.object({ endpointId: z.string().startsWith("whe_") });
