import { z } from "zod";
import { API_KEY_SCOPES } from "@/db/schema/enums";

const blankToNull = (v: unknown) => (v === "" || v === undefined || v === null ? null : Number(v));
const blankToUndefined = (v: unknown) => (v === "" || v === undefined || v === null ? undefined : Number(v));

export const adminCreateKeyForm = z.object({
  userId: z.string().startsWith("usr_", "Choose the key's owner."),
  name: z.string(),
  scopes: z.preprocess((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]), z.array(z.enum(API_KEY_SCOPES))),
  test: z.preprocess((v) => v === "on" || v === true, z.boolean()),
  rateLimitPerMinute: z.preprocess(blankToUndefined, z.number().optional()),
  monthlyImageQuota: z.preprocess(blankToUndefined, z.number().optional()),
});

/** Blank → the default limit. */
export const keyLimitsForm = z.object({
  keyId: z.string().startsWith("key_"),
  rateLimitPerMinute: z.preprocess(blankToNull, z.number().nullable()),
  monthlyImageQuota: z.preprocess(blankToNull, z.number().nullable()),
});

export const rotateKeyInput = z.object({ keyId: z.string().startsWith("key_"), graceHours: z.number().optional() });
export const keyIdInput = z.object({ keyId: z.string().startsWith("key_") });
