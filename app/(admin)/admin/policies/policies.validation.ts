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
  autoClearThreshold: z.coerce.number({ message: "Give an auto-clear threshold from 0 (off) to 99." }).default(0),
  inconclusiveAction: z.enum(INCONCLUSIVE_ACTIONS),
  /** Blank keeps images; lib/policies/save-policy.ts checks the number. */
  retentionDays: z.string().trim().optional(),
  // An unchecked checkbox is absent from the form.
  blurImages: z
    .literal("on")
    .optional()
    .transform((v) => v === "on"),
  isDefault: z
    .literal("on")
    .optional()
    .transform((v) => v === "on"),
});

/** One assignment rule from the editor: the target is "origin:<origin>" or "key:<api key id>"; an empty policy removes the rule. */
export const assignmentForm = z.object({
  target: z.string().regex(/^(origin|key):[a-z0-9_]+$/, "Pick an origin or an API key."),
  policyId: z
    .string()
    .optional()
    .transform((v) => v || null),
});

// One file arrives as a File, several as an array (formDataToObject); an empty folder sends none.
const files = z.preprocess((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]), z.array(z.instanceof(File, { message: "Attach image files." })));

/** The labelled set: images under ai/ and under real/ (the client sorts a picked folder by its subfolders). */
export const labelledSetForm = z.object({ ai: files, real: files });
