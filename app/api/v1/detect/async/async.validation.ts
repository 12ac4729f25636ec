import { z } from "zod";
import { text } from "@/lib/validation";

/** `metadata` arrives as a JSON string (a form field or query parameter) and must hold an object. */
const jsonObject = z.string().transform((v, ctx) => {
  try {
    const parsed: unknown = JSON.parse(v);
    if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    // reported below
  }
  ctx.addIssue({ code: "custom", message: "must be a JSON object" });
  return z.NEVER;
});

export const asyncJobFields = z.object({
  webhook_url: text(2000).optional(),
  metadata: jsonObject.optional(),
  external_ref: text(200).optional(),
  policy: text(100).optional(),
  filename: text(255).optional(),
});
