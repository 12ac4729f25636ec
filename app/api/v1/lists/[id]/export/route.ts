import { apiRoute, otherMethods } from "@/lib/api/route";
import { AppError } from "@/lib/errors";
import { exportImageList, LIST_EXPORT_FORMATS, type ListExportFormat } from "@/lib/lists/export-list";

export const dynamic = "force-dynamic";

/** The list as sha256 lines (`format=sha256`, the default) or as a CSV of its entries, streamed. */
export const GET = apiRoute<{ id: string }>({ permission: "manageLists", scope: "lists" }, async (req, { db, actor, requestId, params }) => {
  const format = (new URL(req.url).searchParams.get("format") ?? "sha256") as ListExportFormat;
  if (!LIST_EXPORT_FORMATS.includes(format)) throw new AppError("invalid_request", `format: must be one of: ${LIST_EXPORT_FORMATS.join(", ")}`, { param: "format" });
  const out = await exportImageList({ ctx: { db, actor, requestId }, input: { listId: params.id, format } });
  return new Response(out.body, {
    headers: { "content-type": out.contentType, "content-disposition": `attachment; filename="${out.filename}"`, "cache-control": "no-store" },
  });
});

/** The methods this path does not take: a JSON 405 naming the ones it does. */
export const { POST, PUT, PATCH, DELETE } = otherMethods(["GET"]);
