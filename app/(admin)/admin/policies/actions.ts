"use server";

import { revalidatePath } from "next/cache";
import { authedAction } from "@/lib/actions";
import { savePolicy } from "@/lib/policies/save-policy";
import { assignPolicy } from "@/lib/policies/assign-policy";
import { AppError } from "@/lib/errors";
import { UPLOAD_ORIGINS, type UploadOrigin } from "@/db/schema/enums";
import { scoreLabelledSet } from "@/lib/policies/score-labelled-set";
import { assignmentForm, labelledSetForm, policyForm } from "./policies.validation";

export const savePolicyAction = authedAction("managePolicies", policyForm, async (input, ctx) => {
  const policy = await savePolicy({ ctx, input });
  revalidatePath("/admin/policies");
  return { name: policy.name };
});

export const assignPolicyAction = authedAction("managePolicies", assignmentForm, async (input, ctx) => {
  const [kind, value] = input.target.split(":") as ["origin" | "key", string];
  if (kind === "origin" && !UPLOAD_ORIGINS.includes(value as UploadOrigin)) throw new AppError("invalid_request", "Unknown origin.", { param: "target" });
  await assignPolicy({ ctx, input: kind === "origin" ? { origin: value as UploadOrigin, policyId: input.policyId } : { apiKeyId: value, policyId: input.policyId } });
  revalidatePath("/admin/policies");
  return { removed: input.policyId === null };
});

export const scoreLabelledSetAction = authedAction("managePolicies", labelledSetForm, async (input, ctx) => {
  const read = (list: File[]) => Promise.all(list.map(async (f) => ({ name: f.name.slice(0, 255), bytes: Buffer.from(await f.arrayBuffer()) })));
  return scoreLabelledSet({ ctx, input: { ai: await read(input.ai), real: await read(input.real) } });
});
