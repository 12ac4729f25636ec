"use server";

import { revalidatePath } from "next/cache";
import { authedAction } from "@/lib/actions";
import { decideCases } from "@/lib/cases/decide-cases";
import { rescanCases } from "@/lib/cases/rescan-cases";
import { bulkDecideInput, bulkRescanInput } from "./queue.validation";

/** One decision for the selected cases; each is decided and audited on its own, failures reported per case. */
export const bulkDecideAction = authedAction("decide", bulkDecideInput, async (input, ctx) => {
  const results = await decideCases({ ctx, input });
  revalidatePath("/queue");
  return results;
});

/** Rescan the selected cases, each through the rescan verb. */
export const bulkRescanAction = authedAction("rescan", bulkRescanInput, async (input, ctx) => {
  const results = await rescanCases({ ctx, input });
  revalidatePath("/queue");
  return results;
});
