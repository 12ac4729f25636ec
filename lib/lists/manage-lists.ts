// The verbs of image lists (db/schema/image-lists.ts): admins create and delete lists, add image files
// or bare sha256 hashes, and remove entries; moderators also add a case's image from the case page.
// An entry keeps hashes only, never the image. Every change is audited and applies to scans from then
// on (a rescan applies it to an earlier case).
import { createHash } from "node:crypto";
import { and, count, eq } from "drizzle-orm";
import { z } from "zod";
import { LIST_ACTIONS, cases, imageListEntries, imageLists, images, type ImageList, type ImageListEntry } from "../../db/schema";
import { writeAudit } from "../audit";
import { actorUserId, authorize, type Ctx } from "../context";
import { decodeImage, differenceHash } from "../detection";
import { AppError, type ErrorCode } from "../errors";
import { newId } from "../ids";
import { MAX_FILES_PER_BATCH, MAX_HASHES_PER_IMPORT } from "../limits";
import { text } from "../validation";
import { AUTO_ADD_OUTCOMES, backfillAutoList } from "./auto-add";
import { forgetListsSeen } from "./find-matches";

/** "" or null: the list adds nothing by itself. */
const autoAddOutcome = z
  .enum(["", ...AUTO_ADD_OUTCOMES], { message: `Images join a list by themselves when decided ${AUTO_ADD_OUTCOMES.join(" or ")}, or never.` })
  .nullish()
  .transform((v) => v || null);

const BACKFILL_NEEDS_OUTCOME = "Choose which decisions add images by themselves before adding the cases already decided so.";

export const createListInput = z.object({
  name: text(100).transform((v) => v.trim()).pipe(z.string().min(1, "Give the list a name.")),
  action: z.enum(LIST_ACTIONS, { message: "Choose what a match does: quarantine or clear." }),
  description: text(500).default("").transform((v) => v.trim()),
  /** Cases decided with this outcome add their image by themselves (lib/lists/auto-add.ts). */
  autoAddOutcome,
  /** With autoAddOutcome: also add the images of the cases already decided so. */
  backfill: z.boolean().default(false),
});
export type CreateListInput = z.input<typeof createListInput>;

export async function createList({ ctx, input }: { ctx: Ctx; input: CreateListInput }): Promise<ImageList & { backfilled: number }> {
  authorize(ctx.actor, "manageLists");
  const data = createListInput.parse(input);
  if (data.backfill && !data.autoAddOutcome) throw new AppError("invalid_request", BACKFILL_NEEDS_OUTCOME, { param: "backfill" });
  return ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .insert(imageLists)
      .values({ id: newId("imageList"), name: data.name, action: data.action, description: data.description, autoAddOutcome: data.autoAddOutcome, createdBy: actorUserId(ctx.actor) })
      .onConflictDoNothing({ target: imageLists.name })
      .returning();
    if (!row) throw new AppError("conflict", "A list with this name exists.", { param: "name" });
    await writeAudit(tx, ctx.actor, { action: "list.create", targetType: "image_list", targetId: row.id, data: { name: row.name, action: row.action, autoAddOutcome: row.autoAddOutcome } });
    forgetListsSeen();
    const backfilled = data.backfill && row.autoAddOutcome ? await backfillAutoList(tx, ctx.actor, row, row.autoAddOutcome) : 0;
    return { ...row, backfilled };
  });
}

export const updateListInput = z.object({
  listId: z.string().min(1),
  description: text(500)
    .transform((v) => v.trim())
    .optional(),
  /** Absent: unchanged; "" or null: off. */
  autoAddOutcome: autoAddOutcome.optional(),
  /** Also add the images of the cases already decided with the list's outcome (lib/lists/auto-add.ts). */
  backfill: z.boolean().default(false),
});

/**
 * Changes a list's description, or which decisions add images to it by themselves (on for one outcome,
 * or off). From then on: decisions already in force are replayed only with `backfill` (the images of
 * the cases decided with the list's outcome join it now; also for a list whose outcome is unchanged),
 * and the entries earlier decisions added stay (each goes when its decision is undone or amended).
 * Audited as `list.update` with what changed.
 */
export async function updateList({ ctx, input }: { ctx: Ctx; input: z.input<typeof updateListInput> }): Promise<ImageList & { backfilled: number }> {
  authorize(ctx.actor, "manageLists");
  const data = updateListInput.parse(input);
  return ctx.db.transaction(async (tx) => {
    const [before] = await tx.select().from(imageLists).where(eq(imageLists.id, data.listId)).for("update");
    if (!before) throw new AppError("not_found", "List not found.", { param: "listId" });
    const patch = {
      ...(data.description !== undefined ? { description: data.description } : {}),
      ...(data.autoAddOutcome !== undefined ? { autoAddOutcome: data.autoAddOutcome } : {}),
    };
    const changed = Object.fromEntries(
      Object.entries(patch)
        .filter(([k, v]) => before[k as keyof typeof patch] !== v)
        .map(([k, v]) => [k, { from: before[k as keyof typeof patch], to: v }]),
    );
    let row = before;
    if (Object.keys(changed).length) {
      [row] = (await tx.update(imageLists).set(patch).where(eq(imageLists.id, data.listId)).returning()) as [ImageList];
      await writeAudit(tx, ctx.actor, { action: "list.update", targetType: "image_list", targetId: row.id, data: { name: row.name, ...changed } });
    }
    if (data.backfill && !row.autoAddOutcome) throw new AppError("invalid_request", BACKFILL_NEEDS_OUTCOME, { param: "backfill" });
    const backfilled = data.backfill && row.autoAddOutcome ? await backfillAutoList(tx, ctx.actor, row, row.autoAddOutcome) : 0;
    return { ...row, backfilled };
  });
}

export async function deleteList({ ctx, input }: { ctx: Ctx; input: { listId: string } }): Promise<{ entries: number }> {
  authorize(ctx.actor, "manageLists");
  return ctx.db.transaction(async (tx) => {
    const [list] = await tx.select().from(imageLists).where(eq(imageLists.id, input.listId)).for("update");
    if (!list) throw new AppError("not_found", "List not found.");
    const [{ n }] = (await tx.select({ n: count() }).from(imageListEntries).where(eq(imageListEntries.listId, list.id))) as [{ n: number }];
    await tx.delete(imageLists).where(eq(imageLists.id, list.id));
    await writeAudit(tx, ctx.actor, { action: "list.delete", targetType: "image_list", targetId: list.id, data: { name: list.name, action: list.action, entries: Number(n) } });
    forgetListsSeen();
    return { entries: Number(n) };
  });
}

interface NewEntry {
  sha256: string;
  phash: string | null;
  phashInformative: boolean;
  filename: string;
  caseId: string | null;
}

/** Insert entries (one per sha256 per list; a hash already there is left as it is) and audit them as one change. */
async function addEntries(ctx: Ctx, listId: string, note: string, via: "case" | "file" | "hash", items: NewEntry[]): Promise<{ added: ImageListEntry[]; alreadyListed: number }> {
  return ctx.db.transaction(async (tx) => {
    const [list] = await tx.select().from(imageLists).where(eq(imageLists.id, listId)).for("share");
    if (!list) throw new AppError("not_found", "List not found.", { param: "listId" });
    // The same bytes sent twice in one request: the first stands.
    const seen = new Set<string>();
    const unique = items.filter((i) => !seen.has(i.sha256) && Boolean(seen.add(i.sha256)));
    const added = unique.length
      ? await tx
          .insert(imageListEntries)
          .values(unique.map((i) => ({ id: newId("imageListEntry"), listId, ...i, note, addedBy: actorUserId(ctx.actor) })))
          .onConflictDoNothing({ target: [imageListEntries.listId, imageListEntries.sha256] })
          .returning()
      : [];
    if (added.length) {
      await writeAudit(tx, ctx.actor, {
        action: "list.entries_add",
        caseId: via === "case" ? (items[0]?.caseId ?? null) : null,
        targetType: "image_list",
        targetId: list.id,
        data: { name: list.name, via, count: added.length, sha256: added.slice(0, 20).map((e) => e.sha256), ...(note ? { note } : {}) },
      });
    }
    forgetListsSeen();
    return { added, alreadyListed: items.length - added.length };
  });
}

const note = text(500).default("").transform((v) => v.trim());

/** A browser's file name may hold any character; PostgreSQL text refuses NUL. */
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/g;

export const addCaseToListInput = z.object({ caseId: z.string().min(1), listId: z.string().min(1, "Choose a list."), note });

/** The case page's "Add to list": the case's image by its hashes. */
export async function addCaseToList({ ctx, input }: { ctx: Ctx; input: z.input<typeof addCaseToListInput> }): Promise<{ added: boolean; listName: string }> {
  authorize(ctx.actor, "addToList");
  const data = addCaseToListInput.parse(input);
  const [row] = await ctx.db
    .select({ caseId: cases.id, deletedAt: cases.deletedAt, filename: cases.filename, sha256: images.sha256, phash: images.phash, phashInformative: images.phashInformative })
    .from(cases)
    .innerJoin(images, eq(images.id, cases.imageId))
    .where(eq(cases.id, data.caseId));
  if (!row || row.deletedAt) throw new AppError("not_found", "Case not found.");
  const out = await addEntries(ctx, data.listId, data.note, "case", [
    { sha256: row.sha256, phash: row.phash, phashInformative: row.phashInformative, filename: row.filename, caseId: row.caseId },
  ]);
  const [list] = await ctx.db.select({ name: imageLists.name }).from(imageLists).where(eq(imageLists.id, data.listId));
  return { added: out.added.length === 1, listName: list?.name ?? "" };
}

export interface RefusedFile {
  name: string;
  code: ErrorCode;
  message: string;
}

/** Image files added by their hashes: each decoded as an upload is (so its dHash is the one a scan computes), then dropped. */
export async function addFilesToList({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { listId: string; files: { name: string; bytes: Buffer }[]; note?: string };
}): Promise<{ added: number; alreadyListed: number; refused: RefusedFile[]; entries: ImageListEntry[] }> {
  authorize(ctx.actor, "manageLists");
  if (input.files.length === 0) throw new AppError("invalid_request", "Attach at least one image.", { param: "files" });
  if (input.files.length > MAX_FILES_PER_BATCH) throw new AppError("too_many_files", `Add at most ${MAX_FILES_PER_BATCH} images at a time.`, { param: "files" });
  // Before decoding a hundred files for a list that is not there (addEntries checks again, under its lock).
  const [list] = await ctx.db.select({ id: imageLists.id }).from(imageLists).where(eq(imageLists.id, input.listId));
  if (!list) throw new AppError("not_found", "List not found.", { param: "listId" });
  const items: NewEntry[] = [];
  const refused: RefusedFile[] = [];
  for (const f of input.files) {
    const decoded = await decodeImage(f.bytes);
    if (!decoded.ok) {
      refused.push({ name: f.name, code: decoded.error.code, message: decoded.error.message });
      continue;
    }
    const dh = differenceHash(decoded.value.analysis, decoded.value.orientation);
    items.push({ sha256: createHash("sha256").update(f.bytes).digest("hex"), phash: dh.hash, phashInformative: dh.informative, filename: f.name.replace(CONTROL_CHARACTERS, "").slice(0, 255), caseId: null });
  }
  const out = items.length ? await addEntries(ctx, input.listId, note.parse(input.note), "file", items) : { added: [], alreadyListed: 0 };
  return { added: out.added.length, alreadyListed: out.alreadyListed, refused, entries: out.added };
}

/**
 * The hashes of an import: text with one sha256 (64 hex digits) per line, bare or followed by a file
 * name as sha256sum writes it, blank lines and `#` comments skipped (the console's form), or an array of them (the API's `sha256`); anything else is named by its
 * line or index.
 */
export function parseHashLines(input: string | unknown[]): string[] {
  const out: string[] = [];
  const isText = typeof input === "string";
  const items: unknown[] = isText ? input.split(/\r?\n/) : input;
  for (let i = 0; i < items.length; i++) {
    const raw = items[i];
    let line = typeof raw === "string" ? raw.trim() : raw;
    if (isText && (line === "" || (line as string).startsWith("#"))) continue;
    // Text lines may be as sha256sum writes them (`<hash>  <file name>`, as a list's download is).
    if (isText) line = /^([0-9a-fA-F]{64})\s/.exec(line as string)?.[1] ?? line;
    if (typeof line !== "string" || !/^[0-9a-fA-F]{64}$/.test(line)) {
      const shown = typeof line === "string" ? line.slice(0, 80) : JSON.stringify(line)?.slice(0, 80);
      throw isText
        ? new AppError("invalid_request", `Line ${i + 1} is not a sha256 (64 hexadecimal digits): “${shown}”.`, { param: "hashes" })
        : new AppError("invalid_request", `sha256.${i} is not a sha256 (64 hexadecimal digits): ${shown}.`, { param: `sha256.${i}` });
    }
    out.push(line.toLowerCase());
  }
  const param = isText ? "hashes" : "sha256";
  if (out.length === 0) throw new AppError("invalid_request", isText ? "Paste at least one sha256, one per line." : "Send at least one sha256.", { param });
  if (out.length > MAX_HASHES_PER_IMPORT) throw new AppError("invalid_request", `Import at most ${MAX_HASHES_PER_IMPORT} hashes at a time.`, { param });
  return out;
}

/** Bare sha256 hashes (from another system): such entries match the same file only. */
export async function addHashesToList({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { listId: string; hashes: string | unknown[]; note?: string };
}): Promise<{ added: number; alreadyListed: number; entries: ImageListEntry[] }> {
  authorize(ctx.actor, "manageLists");
  const hashes = parseHashLines(input.hashes);
  const out = await addEntries(
    ctx,
    input.listId,
    note.parse(input.note),
    "hash",
    hashes.map((sha256) => ({ sha256, phash: null, phashInformative: false, filename: "", caseId: null })),
  );
  return { added: out.added.length, alreadyListed: out.alreadyListed, entries: out.added };
}

/** Remove one entry (of `listId`, when given: the API names both). */
export async function removeListEntry({ ctx, input }: { ctx: Ctx; input: { entryId: string; listId?: string } }): Promise<void> {
  authorize(ctx.actor, "manageLists");
  await ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .delete(imageListEntries)
      .where(and(eq(imageListEntries.id, input.entryId), input.listId ? eq(imageListEntries.listId, input.listId) : undefined))
      .returning();
    if (!row) throw new AppError("not_found", "Entry not found.");
    const [list] = await tx.select({ name: imageLists.name }).from(imageLists).where(eq(imageLists.id, row.listId));
    await writeAudit(tx, ctx.actor, { action: "list.entry_remove", targetType: "image_list", targetId: row.listId, data: { name: list?.name, sha256: row.sha256, entry: row.id } });
  });
  forgetListsSeen();
}
