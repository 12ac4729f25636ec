// Download an image list, to share a hash bank with another team or keep it elsewhere: its sha256
// lines as sha256sum writes them (`<hash>  <file name>`, which `loupe lists import` and the Lists
// page's import read back), or a CSV with every field of its entries. Streamed a page of entries at
// a time, newest first by id (ids never change, so nothing is skipped or repeated). Audited.
import type { DbOrTx } from "../../db";
import { pagedTextStream } from "../api/paged-stream";
import { writeAudit } from "../audit";
import { authorize, type Ctx } from "../context";
import { AppError } from "../errors";
import { describeError } from "../log";
import { csvLine } from "../cases/export-format";
import { getImageList, listEntriesPage, type ListEntryRow } from "./queries";

export const LIST_EXPORT_FORMATS = ["sha256", "csv"] as const;
export type ListExportFormat = (typeof LIST_EXPORT_FORMATS)[number];

export const LIST_EXPORT_COLUMNS = ["sha256", "dhash", "near_duplicates", "file_name", "note", "case_id", "decision_id", "added_by", "added_at"] as const;

const PAGE = 1000;

/** A file name on one line (names are stored without control characters; older rows may not be). */
const oneLine = (v: string) => v.replace(/[\r\n]+/g, " ");

function line(e: ListEntryRow, format: ListExportFormat): string {
  if (format === "sha256") return e.filename ? `${e.sha256}  ${oneLine(e.filename)}\n` : `${e.sha256}\n`;
  return csvLine([e.sha256, e.phash, e.phash && e.phashInformative ? "yes" : "no", e.filename, e.note, e.caseId, e.decisionId, e.addedByEmail, e.createdAt.toISOString()]);
}

export async function exportImageList({ ctx, input }: { ctx: Ctx; input: { listId: string; format: ListExportFormat; now?: Date } }): Promise<{ filename: string; contentType: string; body: ReadableStream<Uint8Array> }> {
  authorize(ctx.actor, "manageLists");
  const list = await getImageList(ctx.db, input.listId);
  if (!list) throw new AppError("not_found", "List not found.");
  await writeAudit(ctx.db, ctx.actor, { action: "list.exported", targetType: "image_list", targetId: list.id, data: { name: list.name, format: input.format, entries: list.entries } });
  const now = input.now ?? new Date();
  const header =
    input.format === "sha256"
      ? `# Loupe image list “${oneLine(list.name)}”: a match ${list.action === "quarantine" ? "quarantines" : "clears"}; ${list.entries} entries, exported ${now.toISOString()}\n` +
        "# sha256 lines as sha256sum writes them; imported elsewhere they match the same files only (the CSV has the difference hashes)\n"
      : csvLine([...LIST_EXPORT_COLUMNS]);
  const db: DbOrTx = ctx.db;
  const body = pagedTextStream<string>({
    header,
    page: async (cursor) => {
      const page = await listEntriesPage(db, list.id, { limit: PAGE, cursor: cursor ?? undefined });
      return { text: page.entries.map((e) => line(e, input.format)).join(""), next: page.next };
    },
    onError: (err) => console.error(`[loupe] ${ctx.requestId ?? "list export"}: the export of ${list.id} stopped: ${describeError(err)}`),
  });
  const slug = list.name.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "").slice(0, 60) || "list";
  return {
    filename: `loupe-list-${slug}-${now.toISOString().slice(0, 10)}.${input.format === "csv" ? "csv" : "sha256"}`,
    contentType: input.format === "csv" ? "text/csv; charset=utf-8" : "text/plain; charset=utf-8",
    body,
  };
}
