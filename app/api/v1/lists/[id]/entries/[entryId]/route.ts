import { apiRoute, otherMethods } from "@/lib/api/route";
import { removeListEntry } from "@/lib/lists/manage-lists";

export const dynamic = "force-dynamic";

/** Remove one entry: later scans of that image no longer match this list. */
export const DELETE = apiRoute<{ id: string; entryId: string }>({ permission: "manageLists", scope: "lists" }, async (_req, { db, actor, requestId, params }) => {
  await removeListEntry({ ctx: { db, actor, requestId }, input: { listId: params.id, entryId: params.entryId } });
  return { id: params.entryId, deleted: true };
});

/** The methods this path does not take: a JSON 405 naming the ones it does. */
export const { GET, POST, PUT, PATCH } = otherMethods(["DELETE"]);
