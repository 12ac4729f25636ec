import { apiRoute, otherMethods, parseOrThrow } from "@/lib/api/route";
import { imageListDto } from "@/lib/api/dto";
import { readJsonLimited } from "@/lib/api/read-body";
import { createList } from "@/lib/lists/manage-lists";
import { createListBody } from "./lists.validation";
import { getImageList, listImageLists } from "@/lib/lists/queries";

export const dynamic = "force-dynamic";

/** Every image list, by name, with its entry count. */
export const GET = apiRoute({ permission: "manageLists", scope: "lists" }, async (_req, { db }) => {
  return { data: (await listImageLists(db)).map(imageListDto) };
});

/** Make a list: JSON `{ "name", "action": "quarantine" | "clear", "description"?, "auto_add_outcome"?, "backfill"? }`. 201. */
export const POST = apiRoute({ permission: "manageLists", scope: "lists" }, async (req, { db, actor, requestId }) => {
  const { auto_add_outcome, backfill, ...body } = parseOrThrow(createListBody, await readJsonLimited(req, 16 * 1024));
  const list = await createList({ ctx: { db, actor, requestId }, input: { ...body, autoAddOutcome: auto_add_outcome, backfill } });
  return Response.json(imageListDto((await getImageList(db, list.id))!), { status: 201 });
});

/** The methods this path does not take: a JSON 405 naming the ones it does. */
export const { PUT, PATCH, DELETE } = otherMethods(["GET", "POST"]);
