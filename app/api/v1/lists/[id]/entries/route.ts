import { apiRoute, otherMethods, parseOrThrow } from "@/lib/api/route";
import { imageListEntryDto } from "@/lib/api/dto";
import { readFormLimited, readJsonLimited } from "@/lib/api/read-body";
import { AppError } from "@/lib/errors";
import { MAX_BATCH_REQUEST_BYTES } from "@/lib/limits";
import { addFilesToList, addHashesToList } from "@/lib/lists/manage-lists";
import { getImageList, listEntriesPage } from "@/lib/lists/queries";
import { listEntriesQuery } from "../../lists.validation";

export const dynamic = "force-dynamic";

/** A page of the list's entries, newest first: `limit` (1–1000, default 100) and `cursor` from `next_cursor`. */
export const GET = apiRoute<{ id: string }>({ permission: "manageLists", scope: "lists" }, async (req, { db, params }) => {
  const q = parseOrThrow(listEntriesQuery, Object.fromEntries(new URL(req.url).searchParams));
  if (!(await getImageList(db, params.id))) throw new AppError("not_found", "List not found.");
  const page = await listEntriesPage(db, params.id, { limit: q.limit, cursor: q.cursor });
  return { data: page.entries.map(imageListEntryDto), next_cursor: page.next };
});

/**
 * Add entries: JSON `{ "sha256": ["…", …], "note"? }` (up to 10 000 hashes; such entries match the same
 * file only), or multipart/form-data with up to 100 `image` parts and an optional `note` field (each
 * decoded as an upload is, kept as its sha256 and difference hash, so re-encoded copies match too).
 * A hash already on the list is counted, not added again. 201 when something was added, else 200.
 */
export const POST = apiRoute<{ id: string }>({ permission: "manageLists", scope: "lists", maxBodyBytes: MAX_BATCH_REQUEST_BYTES }, async (req, { db, actor, requestId, params }) => {
  const ctx = { db, actor, requestId };
  const type = (req.headers.get("content-type") ?? "").toLowerCase();
  let out: { added: number; alreadyListed: number; refused?: { name: string; code: string; message: string }[]; entries: Parameters<typeof imageListEntryDto>[0][] };
  if (type.startsWith("multipart/form-data")) {
    const form = await readFormLimited(req, MAX_BATCH_REQUEST_BYTES);
    const files = await Promise.all(
      [...form.entries()].filter(([k, v]) => (k === "image" || k === "file") && v instanceof File).map(async ([, v]) => ({ name: (v as File).name.slice(0, 255), bytes: Buffer.from(await (v as File).arrayBuffer()) })),
    );
    if (files.length === 0) throw new AppError("invalid_request", "Send the images as `image` parts.", { param: "image" });
    const note = form.get("note");
    out = await addFilesToList({ ctx, input: { listId: params.id, files, note: typeof note === "string" ? note : undefined } });
  } else if (type.startsWith("application/json")) {
    const body = await readJsonLimited(req, 1024 * 1024);
    if (typeof body !== "object" || body === null || Array.isArray(body)) throw new AppError("invalid_request", "The JSON body must be an object.");
    const { sha256, note, ...rest } = body as Record<string, unknown>;
    const extra = Object.keys(rest)[0];
    if (extra) throw new AppError("invalid_request", `${extra}: not a field of this request (sha256, note)`, { param: extra });
    if (!Array.isArray(sha256)) throw new AppError("invalid_request", "Send `sha256` as an array of hashes.", { param: "sha256" });
    if (note !== undefined && typeof note !== "string") throw new AppError("invalid_request", "note must be a string.", { param: "note" });
    out = await addHashesToList({ ctx, input: { listId: params.id, hashes: sha256, note } });
  } else {
    throw new AppError("invalid_request", "Send JSON ({ \"sha256\": [...] }) or multipart/form-data with `image` parts.");
  }
  return Response.json(
    { added: out.added, already_listed: out.alreadyListed, refused: out.refused ?? [], entries: out.entries.map((e) => imageListEntryDto(e)) },
    { status: out.added > 0 ? 201 : 200 },
  );
});

/** The methods this path does not take: a JSON 405 naming the ones it does. */
export const { PUT, PATCH, DELETE } = otherMethods(["GET", "POST"]);
