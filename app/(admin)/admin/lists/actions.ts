"use server";

import { revalidatePath } from "next/cache";
import { authedAction } from "@/lib/actions";
import { addFilesToList, addHashesToList, createList, deleteList, removeListEntry, updateList } from "@/lib/lists/manage-lists";
import { addFilesForm, addHashesForm, autoAddForm, entryIdForm, listForm, listIdForm } from "./lists.validation";

export const createListAction = authedAction("manageLists", listForm, async (input, ctx) => {
  const list = await createList({ ctx, input });
  revalidatePath("/admin/lists");
  return { name: list.name, backfilled: input.backfill ? list.backfilled : null };
});

export const setAutoAddAction = authedAction("manageLists", autoAddForm, async (input, ctx) => {
  const list = await updateList({ ctx, input });
  revalidatePath("/admin/lists");
  return { name: list.name, autoAddOutcome: list.autoAddOutcome, backfilled: input.backfill ? list.backfilled : null };
});

export const deleteListAction = authedAction("manageLists", listIdForm, async (input, ctx) => {
  const out = await deleteList({ ctx, input });
  revalidatePath("/admin/lists");
  return out;
});

export const addFilesAction = authedAction("manageLists", addFilesForm, async (input, ctx) => {
  const files = await Promise.all(input.files.map(async (f) => ({ name: f.name, bytes: Buffer.from(await f.arrayBuffer()) })));
  const { entries: _entries, ...out } = await addFilesToList({ ctx, input: { listId: input.listId, files, note: input.note } });
  revalidatePath("/admin/lists");
  return out;
});

export const addHashesAction = authedAction("manageLists", addHashesForm, async (input, ctx) => {
  const { entries: _entries, ...out } = await addHashesToList({ ctx, input });
  revalidatePath("/admin/lists");
  return out;
});

export const removeEntryAction = authedAction("manageLists", entryIdForm, async (input, ctx) => {
  await removeListEntry({ ctx, input });
  revalidatePath("/admin/lists");
  return { removed: true };
});
