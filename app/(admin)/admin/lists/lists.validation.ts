import { z } from "zod";
import { AUTO_ADD_OUTCOMES, LIST_ACTIONS } from "@/db/schema/enums";

/** An unchecked checkbox is absent from the form. */
const backfill = z
  .literal("on")
  .optional()
  .transform((v) => v === "on");

const autoAddOutcome = z.enum(["", ...AUTO_ADD_OUTCOMES], { message: "Choose which decisions add images by themselves, or none." }).default("");

/** The new-list form, as FormData gives it (createList parses it again). */
export const listForm = z.object({
  name: z.string(),
  action: z.enum(LIST_ACTIONS, { message: "Choose what a match does: quarantine or clear." }),
  description: z.string().default(""),
  autoAddOutcome,
  backfill,
});

export const autoAddForm = z.object({ listId: z.string().min(1), autoAddOutcome, backfill });

export const listIdForm = z.object({ listId: z.string().min(1) });
export const entryIdForm = z.object({ entryId: z.string().min(1) });

// One file arrives as a File, several as an array (formDataToObject); an empty picker sends one empty File.
const files = z.preprocess(
  (v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]),
  z.array(z.instanceof(File, { message: "Attach image files." })).transform((list) => list.filter((f) => f.size > 0 || f.name !== "")),
);

export const addFilesForm = z.object({ listId: z.string().min(1), files, note: z.string().default("") });
export const addHashesForm = z.object({ listId: z.string().min(1), hashes: z.string().default(""), note: z.string().default("") });
