import { apiRoute, otherMethods, parseOrThrow } from "@/lib/api/route";
import { readJsonLimited } from "@/lib/api/read-body";
import { imageListDto } from "@/lib/api/dto";
import { AppError } from "@/lib/errors";
import { deleteList, updateList } from "@/lib/lists/manage-lists";
import { updateListBody } from "../lists.validation";
import { getImageList } from "@/lib/lists/queries";

export const dynamic = "force-dynamic";

export const GET = apiRoute<{ id: string }>({ permission: "manageLists", scope: "lists" }, async (_req, { db, params }) => {
  const list = await getImageList(db, params.id);
  if (!list) throw new AppError("not_found", "List not found.");
  return imageListDto(list);
});

/** Change its description or `auto_add_outcome` (null: off); `backfill: true` adds the images of the cases already decided so. */
export const PATCH = apiRoute<{ id: string }>({ permission: "manageLists", scope: "lists" }, async (req, { db, actor, requestId, params }) => {
  const { auto_add_outcome, description, backfill } = parseOrThrow(updateListBody, await readJsonLimited(req, 16 * 1024));
  await updateList({ ctx: { db, actor, requestId }, input: { listId: params.id, description, autoAddOutcome: auto_add_outcome, backfill } });
  return imageListDto((await getImageList(db, params.id))!);
});

/** Delete a list and its entries: later scans no longer match it; earlier cases keep their outcome. */
export const DELETE = apiRoute<{ id: string }>({ permission: "manageLists", scope: "lists" }, async (_req, { db, actor, requestId, params }) => {
  const { entries } = await deleteList({ ctx: { db, actor, requestId }, input: { listId: params.id } });
  return { id: params.id, deleted: true, entries };
});

/** The methods this path does not take: a JSON 405 naming the ones it does. */
export const { POST, PUT } = otherMethods(["GET", "PATCH", "DELETE"]);
