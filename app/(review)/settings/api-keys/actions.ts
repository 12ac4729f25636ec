"use server";

import { revalidatePath } from "next/cache";
import { authedAction } from "@/lib/actions";
import { createApiKey } from "@/lib/api-keys/create-api-key";
import { revokeApiKey } from "@/lib/api-keys/revoke-api-key";
import { createKeyForm, revokeKeyInput } from "./api-keys.validation";

export const createApiKeyAction = authedAction("manageApiKeys", createKeyForm, async (input, ctx) => {
  const { secret } = await createApiKey({ ctx, input });
  revalidatePath("/settings/api-keys");
  return { secret };
});

export const revokeApiKeyAction = authedAction("manageApiKeys", revokeKeyInput, async (input, ctx) => {
  await revokeApiKey({ ctx, input });
  revalidatePath("/settings/api-keys");
  return null;
});
