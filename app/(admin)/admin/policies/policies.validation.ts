import { z } from "zod";
import { INCONCLUSIVE_ACTIONS } from "@/db/schema/enums";

/** The policy editor's form fields, as FormData gives them. */
export const policyForm = z.object({
  id: z
    .string()
    .optional()
    .transform((v) => v || undefined),
  name: z.string(),
  description: z.string().default(""),
  quarantineThreshold: z.coerce.number({ message: "Give a threshold from 1 to 100." }),
  inconclusiveAction: z.enum(INCONCLUSIVE_ACTIONS),
  // An unchecked checkbox is absent from the form.
  isDefault: z
    .literal("on")
    .optional()
    .transform((v) => v === "on"),
});
