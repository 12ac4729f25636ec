// The review queue's URL search params: filters, sort, search and cursor. One zod schema parses them
// for the page (and any route that wants the same view); shareable links are just these params.
// Client-safe: no database imports.
import { z } from "zod";
import { CASE_SOURCES, CASE_STATES, DECISION_OUTCOMES, VERDICTS } from "../../db/schema/enums";
import { text } from "../validation";

/** Sort orders of the queue: each is a key and a direction (lib/cases/queue-queries.ts). */
export const QUEUE_SORTS = ["risk", "newest", "oldest", "score_high", "score_low", "size_large", "size_small"] as const;
export type QueueSort = (typeof QUEUE_SORTS)[number];

export const QUEUE_SORT_LABELS: Record<QueueSort, string> = {
  risk: "Risk: needs a person first",
  newest: "Newest first",
  oldest: "Oldest first",
  score_high: "Score, high to low",
  score_low: "Score, low to high",
  size_large: "File size, large to small",
  size_small: "File size, small to large",
};

/** The decision filter: no human decision yet, any, or a latest decision with this outcome. */
export const QUEUE_DECISION_FILTERS = ["none", "any", ...DECISION_OUTCOMES] as const;
export type QueueDecisionFilter = (typeof QUEUE_DECISION_FILTERS)[number];

export const QUEUE_PAGE_SIZES = [25, 50, 100] as const;
export const QUEUE_DEFAULT_LIMIT = 50;

// A blank form field (a GET form sends every input) means "no filter".
const blank = (v: unknown) => (v === "" ? undefined : v);
const opt = <T extends z.ZodType>(s: T) => z.preprocess(blank, s.optional());

/** A comma-separated list of enum values (`state=quarantined,manual_review`). */
const list = <T extends readonly [string, ...string[]]>(values: T, what: string) =>
  opt(
    z
      .string()
      .transform((v) => v.split(",").filter(Boolean))
      .pipe(z.array(z.enum(values, { message: `must be one or more of: ${values.join(", ")} (${what})` })).min(1)),
  );

const score = opt(z.coerce.number({ message: "must be a number" }).min(0, "must be 0 or more").max(100, "must be 100 or less"));
const day = opt(
  z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date as YYYY-MM-DD")
    .refine((v) => !Number.isNaN(Date.parse(`${v}T00:00:00Z`)) && new Date(`${v}T00:00:00Z`).toISOString().startsWith(v), "is not a calendar date"),
);

export const queueParamsSchema = z
  .object({
    state: list(CASE_STATES, "case states"),
    verdict: list(VERDICTS, "verdicts"),
    decision: opt(z.enum(QUEUE_DECISION_FILTERS, { message: `must be one of: ${QUEUE_DECISION_FILTERS.join(", ")}` })),
    score_min: score,
    score_max: score,
    source: opt(z.enum(CASE_SOURCES, { message: `must be one of: ${CASE_SOURCES.join(", ")}` })),
    /** A submitter's email (any case) or user id. */
    submitter: opt(text(254).transform((v) => v.trim())),
    /** A policy's name. */
    policy: opt(text(100).transform((v) => v.trim())),
    /** Created on or after this day (UTC). */
    from: day,
    /** Created on or before this day (UTC). */
    to: day,
    /** The start of a file name or external_ref (any case), of a sha256 (4+ hex digits), or a case id. */
    q: opt(text(200).transform((v) => v.trim())),
    /** "1": one row per duplicate group (same bytes, or near-duplicate images; cases.duplicate_group). */
    group: opt(z.enum(["1"], { message: "must be 1 (group duplicates) or left out" })),
    sort: opt(z.enum(QUEUE_SORTS, { message: `must be one of: ${QUEUE_SORTS.join(", ")}` })),
    limit: opt(z.coerce.number({ message: "must be a number" }).int("must be a whole number").min(1, "must be 1 or more").max(200, "must be 200 or less")),
    /** Opaque cursors (lib/cases/queue-queries.ts): the page after, or before, a position. */
    after: opt(text(300)),
    before: opt(text(300)),
  })
  .superRefine((p, ctx) => {
    if (p.score_min !== undefined && p.score_max !== undefined && p.score_min > p.score_max) {
      ctx.addIssue({ code: "custom", path: ["score_min"], message: "must not be above score_max" });
    }
    if (p.from && p.to && p.from > p.to) ctx.addIssue({ code: "custom", path: ["from"], message: "must not be after to" });
    if (p.after && p.before) ctx.addIssue({ code: "custom", path: ["before"], message: "cannot be given with after" });
  });

export type QueueParams = z.output<typeof queueParamsSchema>;

export type QueueParamsResult = { ok: true; params: QueueParams } | { ok: false; message: string; param: string };

/**
 * Parse search params as Next hands them to a page (a repeated name arrives as an array: its last
 * value wins, like a form). Unknown params are ignored; a bad one gives a message naming it.
 */
export function parseQueueParams(raw: Record<string, string | string[] | undefined>): QueueParamsResult {
  const flat = Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, Array.isArray(v) ? v[v.length - 1] : v]));
  const r = queueParamsSchema.safeParse(flat);
  if (r.success) return { ok: true, params: r.data };
  const issue = r.error.issues[0]!;
  const param = String(issue.path[0] ?? "query");
  return { ok: false, param, message: `${param}: ${issue.message}` };
}

/** The params as a query string (no cursor unless given), for links that keep the current view. */
export function queueSearch(p: QueueParams, patch: Partial<Record<keyof QueueParams, string | number | string[] | null>> = {}): string {
  const out = new URLSearchParams();
  const merged: Record<string, unknown> = { ...p, after: undefined, before: undefined, ...patch };
  for (const [k, v] of Object.entries(merged)) {
    if (v === undefined || v === null || v === "") continue;
    out.set(k, Array.isArray(v) ? v.join(",") : String(v));
  }
  const s = out.toString();
  return s ? `?${s}` : "";
}
