// Options of the detection endpoints, as query parameters and multipart fields (strings) or as JSON
// fields (typed): one schema accepts both.
import { z } from "zod";
import { AppError, normaliseError } from "../errors";
import { MAX_DETECT_METADATA_BYTES } from "../limits";
import { text } from "../validation";
import { SIGNAL_IDS } from "./engine";

export const HEATMAP_MODES = ["none", "urls", "inline"] as const;
export type HeatmapMode = (typeof HEATMAP_MODES)[number];
export const RETENTION_MODES = ["none", "default"] as const;
export type RetentionMode = (typeof RETENTION_MODES)[number];

const signalList = z
  .union([z.string(), z.array(z.string())])
  .transform((v) => (Array.isArray(v) ? v : v.split(",")).map((s) => s.trim()).filter(Boolean))
  .superRefine((ids, ctx) => {
    const unknown = ids.filter((id) => !SIGNAL_IDS.includes(id));
    if (unknown.length) ctx.addIssue({ code: "custom", message: `unknown signal id(s) ${unknown.join(", ")}; known: ${SIGNAL_IDS.join(", ")}` });
    if (ids.length === 0) ctx.addIssue({ code: "custom", message: "name at least one signal" });
  })
  // Report order, no repeats: the same set always gives the same cache key.
  .transform((ids) => SIGNAL_IDS.filter((id) => ids.includes(id)));

const flag = z.union([z.boolean(), z.enum(["true", "false", "1", "0"]).transform((v) => v === "true" || v === "1")]);

const metadata = z
  .union([z.string(), z.record(z.string(), z.unknown())])
  .transform((v, ctx) => {
    if (typeof v !== "string") return v;
    try {
      return JSON.parse(v) as unknown;
    } catch {
      ctx.addIssue({ code: "custom", message: "must be a JSON object" });
      return z.NEVER;
    }
  })
  .pipe(z.record(z.string(), z.unknown(), { message: "must be a JSON object" }))
  .refine((m) => Buffer.byteLength(JSON.stringify(m)) <= MAX_DETECT_METADATA_BYTES, { message: `must be at most ${MAX_DETECT_METADATA_BYTES} bytes of JSON` });

export const detectOptions = z
  .object({
    signals: signalList.optional(),
    include_heatmaps: z.enum(HEATMAP_MODES).default("none"),
    policy: text(100).optional(),
    metadata: metadata.optional(),
    retention: z.enum(RETENTION_MODES).default("default"),
    create_case: flag.default(false),
    external_ref: text(200).optional(),
    filename: text(255).optional(),
  })
  // A misspelt option is an error, not silently the default.
  .strict()
  .superRefine((o, ctx) => {
    if (o.retention === "none" && o.include_heatmaps === "urls") {
      ctx.addIssue({ code: "custom", path: ["include_heatmaps"], message: "urls needs retention=default (nothing is stored with retention=none); use inline" });
    }
    if (o.retention === "none" && o.create_case) {
      ctx.addIssue({ code: "custom", path: ["create_case"], message: "a case keeps the image, which retention=none forbids" });
    }
  });
export type DetectOptions = z.output<typeof detectOptions>;
export type DetectOptionsInput = z.input<typeof detectOptions>;

/** Options of a batch: the same, applied to every item; `metadata` comes per item. */
export const batchOptions = detectOptions;

/** Parsed options; a bad one is an `invalid_request` naming it. */
export function parseDetectOptions(input: unknown): DetectOptions {
  const r = detectOptions.safeParse(input);
  if (r.success) return r.data;
  const unknown = r.error.issues.find((i) => i.code === "unrecognized_keys");
  if (unknown && "keys" in unknown) {
    const key = String(unknown.keys[0]);
    throw new AppError("invalid_request", `${key}: not an option of this endpoint`, { param: key });
  }
  throw normaliseError(r.error);
}
