"use server";

import { revalidatePath } from "next/cache";
import { authedAction } from "@/lib/actions";
import { savePolicy } from "@/lib/policies/save-policy";
import { policyForm } from "./policies.validation";

export const savePolicyAction = authedAction("managePolicies", policyForm, async (input, ctx) => {
  const policy = await savePolicy({ ctx, input });
  revalidatePath("/admin/policies");
  return { name: policy.name };
});
