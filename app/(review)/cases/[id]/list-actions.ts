"use server";

import { revalidatePath } from "next/cache";
import { authedAction } from "@/lib/actions";
import { addCaseToList, addCaseToListInput } from "@/lib/lists/manage-lists";

/** The case page's "Add to list": this case's image, by its hashes. */
export const addCaseToListAction = authedAction("addToList", addCaseToListInput, async (input, ctx) => {
  const out = await addCaseToList({ ctx, input });
  revalidatePath(`/cases/${input.caseId}`);
  return out;
});
