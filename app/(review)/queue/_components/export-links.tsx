import { queueSearch, type QueueParams } from "@/lib/cases/queue-params";

/**
 * Downloads of the view on screen: every case its filters and search match, not only this page,
 * newest first, one row per case even when grouped (GET /api/v1/cases/export). Plain links: the
 * browser saves the streamed file itself.
 */
export function ExportLinks({ params }: { params: QueueParams }) {
  const search = queueSearch(params, { group: null, sort: null, limit: null });
  const href = (format: "csv" | "jsonl") => `/api/v1/cases/export${search ? `${search}&` : "?"}format=${format}`;
  return (
    <span className="inline-flex items-center gap-2 text-sm" data-testid="queue-export">
      <a
        href={href("csv")}
        download
        className="rounded-lg border border-slate-300 bg-white px-3 py-2 font-medium text-slate-800 hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-slate-900"
        title="Every case of this view (all pages), newest first, as a spreadsheet file"
        data-testid="export-csv"
      >
        Export CSV
      </a>
      <a href={href("jsonl")} download className="text-slate-700 underline underline-offset-2" title="The same as JSON Lines, one case per line" data-testid="export-jsonl">
        JSON Lines
      </a>
    </span>
  );
}
