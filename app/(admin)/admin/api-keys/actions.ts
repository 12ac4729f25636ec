"use server";

import { revalidatePath } from "next/cache";
import { authedAction } from "@/lib/actions";
import { createApiKey } from "@/lib/api-keys/create-api-key";
import { revokeApiKey } from "@/lib/api-keys/revoke-api-key";
import { rotateApiKey } from "@/lib/api-keys/rotate-api-key";
import { updateApiKeyLimits } from "@/lib/api-keys/update-api-key-limits";
import { adminCreateKeyForm, keyIdInput, keyLimitsForm, rotateKeyInput } from "./api-keys.validation";

export const adminCreateApiKeyAction = authedAction("administerApiKeys", adminCreateKeyForm, async (input, ctx) => {
  const { secret } = await createApiKey({ ctx, input });
  revalidatePath("/admin/api-keys");
  return { secret };
});

export const updateApiKeyLimitsAction = authedAction("administerApiKeys", keyLimitsForm, async (input, ctx) => {
  await updateApiKeyLimits({ ctx, input });
  revalidatePath("/admin/api-keys");
  return { keyId: input.keyId };
});

export const adminRotateApiKeyAction = authedAction("administerApiKeys", rotateKeyInput, async (input, ctx) => {
  const { secret, oldExpiresAt } = await rotateApiKey({ ctx, input });
  revalidatePath("/admin/api-keys");
  return { secret, oldExpiresAt: oldExpiresAt.toISOString() };
});

export const adminRevokeApiKeyAction = authedAction("administerApiKeys", keyIdInput, async (input, ctx) => {
  await revokeApiKey({ ctx, input });
  revalidatePath("/admin/api-keys");
  return null;
});
