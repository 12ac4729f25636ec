// Export a queue view: every case the view's filters match (state, verdict, decision, score, source,
// submitter, policy, dates, search), one row each, as CSV or JSON Lines, streamed page by page so
// that neither side holds the whole file. GET /api/v1/cases/export serves it, and the queue's
// Export link points there with the view's own params.
import { and, desc, eq, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import type { DbOrTx } from "../../db";
import { cases, images, policies, users } from "../../db/schema";
import { pagedTextStream } from "../api/paged-stream";
import { writeAudit } from "../audit";
import { authorize, type Ctx } from "../context";
import { describeError } from "../log";
import type { QueueParams } from "./queue-params";
import { queueSearch } from "./queue-params";
import { decidingLists, latestDecisions, viewConditions } from "./queue-queries";
import { CONTENT_TYPES, exportHeader, formatRow, type ExportFormat, type ExportRow } from "./export-format";

/** Rows read per statement while streaming. */
export const EXPORT_PAGE_ROWS = 500;

/** Position in the export's walk: newest first by (created_at, id), both exact. */
interface ExportCursor {
  at: string;
  id: string;
}

const createdAtText = sql<string>`to_char(${cases.createdAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/**
 * One page of the export after `cursor`. The walk is newest first by creation time, whatever the
 * view's sort: created_at and id never change, so every case that existed when the export began is
 * written exactly once, with its values as its page was read (a sort by state or score would move
 * a case that changes meanwhile past the walk, or back into it).
 */
export async function exportPage(db: DbOrTx, p: QueueParams, cursor: ExportCursor | null, opts: { baseUrl: string; limit?: number }): Promise<{ rows: ExportRow[]; next: ExportCursor | null }> {
  const limit = opts.limit ?? EXPORT_PAGE_ROWS;
  const submitter = alias(users, "submitter");
  const where = viewConditions(p);
  if (cursor) where.push(sql`(${cases.createdAt}, ${cases.id}) < (${cursor.at}::timestamptz, ${cursor.id})`);
  const page = await db
    .select({
      id: cases.id,
      at: createdAtText,
      createdAt: cases.createdAt,
      state: cases.state,
      verdict: cases.verdict,
      score: cases.score,
      confidence: cases.confidence,
      filename: cases.filename,
      externalRef: cases.externalRef,
      source: cases.source,
      submitter: submitter.email,
      policy: policies.name,
      format: images.format,
      width: images.width,
      height: images.height,
      sizeBytes: images.sizeBytes,
      sha256: images.sha256,
      scannedAt: cases.scannedAt,
      imageRemovedAt: cases.imageRemovedAt,
      duplicateGroup: cases.duplicateGroup,
    })
    .from(cases)
    .innerJoin(images, eq(images.id, cases.imageId))
    .innerJoin(policies, eq(policies.id, cases.policyId))
    .leftJoin(submitter, eq(submitter.id, cases.submitterId))
    .where(and(...where))
    .orderBy(desc(cases.createdAt), desc(cases.id))
    .limit(limit + 1);
  const rows = page.slice(0, limit);
  const ids = rows.map((r) => r.id);
  const [decided, listed] = await Promise.all([latestDecisions(db, ids), decidingLists(db, ids)]);
  const out = rows.map((r): ExportRow => {
    const d = decided.get(r.id);
    return {
      case_id: r.id,
      created_at: r.createdAt.toISOString(),
      state: r.state,
      verdict: r.verdict,
      score: r.score,
      confidence: r.confidence,
      file_name: r.filename,
      external_ref: r.externalRef,
      source: r.source,
      submitter: r.submitter,
      policy: r.policy,
      format: r.format,
      width: r.width,
      height: r.height,
      size_bytes: r.sizeBytes,
      sha256: r.sha256,
      scanned_at: r.scannedAt?.toISOString() ?? null,
      decision: d?.outcome ?? null,
      decided_by: d?.reviewer ?? null,
      decided_at: d?.at.toISOString() ?? null,
      decision_note: d ? d.note : null,
      decided_by_list: listed.get(r.id)?.name ?? null,
      duplicate_group: r.duplicateGroup,
      case_url: `${opts.baseUrl}/cases/${r.id}`,
      image_removed_at: r.imageRemovedAt?.toISOString() ?? null,
    };
  });
  const last = rows.at(-1);
  return { rows: out, next: page.length > limit && last ? { at: last.at, id: last.id } : null };
}

export interface CaseExport {
  filename: string;
  contentType: string;
  body: ReadableStream<Uint8Array>;
}

/**
 * The export of a queue view (moderators and admins: `exportCases`). Audited when it starts
 * (`cases.exported`, with the view's params and the format). The body reads one page per pull
 * (lib/api/paged-stream.ts).
 */
export async function exportCases({ ctx, input }: { ctx: Ctx; input: { params: QueueParams; format: ExportFormat; baseUrl: string; now?: Date } }): Promise<CaseExport> {
  authorize(ctx.actor, "exportCases");
  const { params, format, baseUrl } = input;
  // The grouped view's one-row-per-group and the page's sort, size and cursor do not apply: the
  // export is every matching case, newest first.
  const view: QueueParams = { ...params, group: undefined, sort: undefined, limit: undefined, after: undefined, before: undefined };
  await writeAudit(ctx.db, ctx.actor, { action: "cases.exported", data: { format, view: queueSearch(view) } });
  const stamp = (input.now ?? new Date()).toISOString().slice(0, 16).replace(/[-:]/g, "").replace("T", "-");
  const { db } = ctx;
  const body = pagedTextStream<ExportCursor>({
    header: exportHeader(format),
    page: async (cursor) => {
      const page = await exportPage(db, view, cursor, { baseUrl });
      return { text: page.rows.map((r) => formatRow(r, format)).join(""), next: page.next };
    },
    onError: (err) => console.error(`[loupe] ${ctx.requestId ?? "export"}: the case export stopped: ${describeError(err)}`),
  });
  return { filename: `loupe-cases-${stamp}.${format === "csv" ? "csv" : "jsonl"}`, contentType: CONTENT_TYPES[format], body };
}
