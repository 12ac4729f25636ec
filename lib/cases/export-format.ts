// The queue export's file formats (lib/cases/export-cases.ts writes them): its columns, CSV fields
// and records, JSON Lines rows. No database imports: the OpenAPI document reads the columns.

export const EXPORT_FORMATS = ["csv", "jsonl"] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** The columns, in order: the CSV header and the JSON Lines keys. */
export const EXPORT_COLUMNS = [
  "case_id",
  "created_at",
  "state",
  "verdict",
  "score",
  "confidence",
  "file_name",
  "external_ref",
  "source",
  "submitter",
  "policy",
  "format",
  "width",
  "height",
  "size_bytes",
  "sha256",
  "scanned_at",
  "decision",
  "decided_by",
  "decided_at",
  "decision_note",
  "decided_by_list",
  "duplicate_group",
  "case_url",
  // Columns added later go last, so a reader of the earlier files finds every column where it was.
  "image_removed_at",
] as const;

export type ExportColumn = (typeof EXPORT_COLUMNS)[number];
export type ExportRow = Record<ExportColumn, string | number | null>;

export const CONTENT_TYPES: Record<ExportFormat, string> = {
  csv: "text/csv; charset=utf-8",
  jsonl: "application/x-ndjson; charset=utf-8",
};

/**
 * One CSV field (RFC 4180): quoted when it holds a comma, a quote or a line break. A text that a
 * spreadsheet would run as a formula (it starts with =, +, -, @, a tab or a carriage return) gets a
 * leading apostrophe first, OWASP's advice against CSV injection: a file name such as
 * `=HYPERLINK(…)` is shown as text, never evaluated. Numbers are written as they are.
 */
export function csvField(v: string | number | null): string {
  if (v === null) return "";
  if (typeof v === "number") return String(v);
  const text = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One CSV record, CRLF-terminated. */
export function csvLine(values: (string | number | null)[]): string {
  return `${values.map(csvField).join(",")}\r\n`;
}

/** One row in the export's format, with its line ending. */
export function formatRow(row: ExportRow, format: ExportFormat): string {
  return format === "csv" ? csvLine(EXPORT_COLUMNS.map((c) => row[c])) : `${JSON.stringify(row)}\n`;
}

/** What comes before the first row (the CSV header; nothing in JSON Lines). */
export function exportHeader(format: ExportFormat): string {
  return format === "csv" ? csvLine([...EXPORT_COLUMNS]) : "";
}
