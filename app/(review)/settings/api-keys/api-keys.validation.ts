import { z } from "zod";

export const createKeyForm = z.object({ name: z.string() });
export const revokeKeyInput = z.object({ keyId: z.string().startsWith("key_") });
