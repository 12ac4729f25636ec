import { browserOrigin } from "@/lib/api/browser-origin";
import { apiRoute, otherMethods } from "@/lib/api/route";
import { exportCases } from "@/lib/cases/export-cases";
import { EXPORT_FORMATS, type ExportFormat } from "@/lib/cases/export-format";
import { parseQueueParams } from "@/lib/cases/queue-params";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";

export const dynamic = "force-dynamic";

/**
 * Every case of a queue view as CSV (default) or JSON Lines (`format=jsonl`), newest first, streamed.
 * Takes the queue page's own params (state, verdict, decision, score_min/score_max, source, submitter,
 * policy, from/to, q), so the queue's Export link downloads the view on screen.
 */
export const GET = apiRoute({ permission: "exportCases", scope: "cases:read" }, async (req, { db, actor, requestId }) => {
  const url = new URL(req.url);
  const { format: rawFormat, ...rest } = Object.fromEntries(url.searchParams);
  const format = (rawFormat ?? "csv") as ExportFormat;
  if (!EXPORT_FORMATS.includes(format)) {
    throw new AppError("invalid_request", `format: must be one of: ${EXPORT_FORMATS.join(", ")}`, { param: "format" });
  }
  const parsed = parseQueueParams(rest);
  if (!parsed.ok) throw new AppError("invalid_request", parsed.message, { param: parsed.param });
  // Links in the file point at the console as its users reach it.
  const baseUrl = (env.LOUPE_PUBLIC_URL ?? browserOrigin(req)).replace(/\/+$/, "");
  const out = await exportCases({ ctx: { db, actor, requestId }, input: { params: parsed.params, format, baseUrl } });
  return new Response(out.body, {
    headers: {
      "content-type": out.contentType,
      "content-disposition": `attachment; filename="${out.filename}"`,
      "cache-control": "no-store",
    },
  });
});

/** The methods this path does not take: a JSON 405 naming the ones it does. */
export const { POST, PUT, PATCH, DELETE } = otherMethods(["GET"]);
