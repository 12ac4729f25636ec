// `loupe lists …`: image lists without a browser (lib/lists/), for operators moving a known-image bank
// from another system or a folder. `lists` prints one list per line; `create` prints the new list's id;
// `import` adds image files (found in folders too, decoded as uploads are, sent in groups of
// MAX_FILES_PER_BATCH) and files of sha256 lines (bare, or as sha256sum prints them; `#` comments; `-`
// reads them from stdin), in groups of
// MAX_HASHES_PER_IMPORT, and prints what it added. As the system actor, on the configured database.
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { AUTO_ADD_OUTCOMES, LIST_ACTIONS } from "../../db/schema/enums";
import { AppError } from "../errors";
import { MAX_FILES_PER_BATCH, MAX_HASHES_PER_IMPORT, MAX_UPLOAD_BYTES } from "../limits";
import { addFilesToList, addHashesToList, createList } from "../lists/manage-lists";
import { listImageLists } from "../lists/queries";
import { runOperatorCommand, UsageError } from "./operator";

const USAGE = `  loupe lists                                   every list: id, name, action, adds by itself, entries (tab-separated)
  loupe lists create --name <name> --action ${LIST_ACTIONS.join("|")} [--description <text>] [--auto-add ${AUTO_ADD_OUTCOMES.join("|")} [--backfill]]
  loupe lists import <list id or name> <image files, folders, or .txt files of sha256 lines, or - for stdin> [--note <text>]
      (prints {"list_id", "added", "already_listed", "refused"}; exits 1 when a file was refused)`;

/** Files of sha256 lines; anything else is sent as an image and refused by the decoder if it is not one. */
const HASH_FILE = /\.(txt|sha256|sha256sum|hashes)$/i;

/** Every file under the arguments (folders walked, names sorted), split into hash files and the rest. */
function collect(args: string[]): { hashFiles: string[]; images: string[] } {
  const hashFiles: string[] = [];
  const images: string[] = [];
  const visit = (p: string) => {
    if (p === "-") return void hashFiles.push(p);
    const st = statSync(p, { throwIfNoEntry: false });
    if (!st) throw new UsageError(`lists import: no such file or folder: ${p}`);
    if (st.isDirectory()) {
      for (const name of readdirSync(p).sort()) if (!name.startsWith(".")) visit(path.join(p, name));
    } else if (HASH_FILE.test(p)) hashFiles.push(p);
    else images.push(p);
  };
  args.forEach(visit);
  return { hashFiles, images };
}

const [sub, ...rest] = process.argv.slice(2);
const { values: o, positionals } = parseArgs({
  args: rest,
  allowPositionals: true,
  options: { name: { type: "string" }, action: { type: "string" }, description: { type: "string" }, "auto-add": { type: "string" }, note: { type: "string" }, backfill: { type: "boolean" } },
});

await runOperatorCommand(USAGE, async (ctx) => {
  if (sub === "help") return void console.log(`usage:\n${USAGE}`);
  if (sub === undefined || sub === "list") {
    for (const l of await listImageLists(ctx.db)) console.log([l.id, l.name, l.action, l.autoAddOutcome ?? "-", l.entries].join("\t"));
    return;
  }
  if (sub === "create") {
    if (!o.name) throw new UsageError("lists create: --name is required");
    if (!o.action || !(LIST_ACTIONS as readonly string[]).includes(o.action)) throw new UsageError(`lists create: --action, one of ${LIST_ACTIONS.join(", ")}`);
    if (o["auto-add"] !== undefined && !(AUTO_ADD_OUTCOMES as readonly string[]).includes(o["auto-add"])) throw new UsageError(`lists create: --auto-add, one of ${AUTO_ADD_OUTCOMES.join(", ")}`);
    const list = await createList({
      ctx,
      input: { name: o.name, action: o.action as (typeof LIST_ACTIONS)[number], description: o.description, autoAddOutcome: o["auto-add"] as (typeof AUTO_ADD_OUTCOMES)[number] | undefined, backfill: o.backfill ?? false },
    });
    console.error(`created list “${list.name}” (a match ${list.action === "quarantine" ? "quarantines" : "clears"})${o.backfill ? `, with ${list.backfilled} images of cases already decided so` : ""}`);
    console.log(list.id);
    return;
  }
  if (sub === "import") {
    const [which, ...paths] = positionals;
    if (!which || paths.length === 0) throw new UsageError("lists import: name the list, then the files");
    const list = (await listImageLists(ctx.db)).find((l) => l.id === which || l.name === which);
    if (!list) throw new UsageError(`lists import: no list with the id or name “${which}” (\`loupe lists\` shows them)`);
    const { hashFiles, images } = collect(paths);
    let added = 0;
    let already = 0;
    let refused = 0;
    // Read and checked whole before anything is added, so a bad line names its file and line and adds nothing.
    const hashes = hashFiles.flatMap((f) =>
      readFileSync(f === "-" ? 0 : f, "utf8")
        .split(/\r?\n/)
        .flatMap((raw, i) => {
          const line = raw.trim();
          if (!line || line.startsWith("#")) return [];
          // A bare hash, or sha256sum's "<hash>  <file name>".
          const m = /^([0-9a-fA-F]{64})(?:\s.*)?$/.exec(line);
          if (!m) throw new AppError("invalid_request", `${f === "-" ? "stdin" : f}, line ${i + 1}: not a sha256 (64 hexadecimal digits): “${line.slice(0, 80)}”`);
          return [m[1]!];
        }),
    );
    for (let i = 0; i < hashes.length; i += MAX_HASHES_PER_IMPORT) {
      const out = await addHashesToList({ ctx, input: { listId: list.id, hashes: hashes.slice(i, i + MAX_HASHES_PER_IMPORT), note: o.note } });
      added += out.added;
      already += out.alreadyListed;
    }
    for (let i = 0; i < images.length; i += MAX_FILES_PER_BATCH) {
      const group = images.slice(i, i + MAX_FILES_PER_BATCH);
      const files = group.flatMap((f) => {
        if (statSync(f).size > MAX_UPLOAD_BYTES) {
          console.error(`refused ${f}: larger than ${MAX_UPLOAD_BYTES / 1024 / 1024} MB (image_too_large)`);
          refused++;
          return [];
        }
        return [{ name: path.basename(f), bytes: readFileSync(f), path: f }];
      });
      if (!files.length) continue;
      const out = await addFilesToList({ ctx, input: { listId: list.id, files, note: o.note } });
      added += out.added;
      already += out.alreadyListed;
      refused += out.refused.length;
      for (const r of out.refused) console.error(`refused ${files.find((f) => f.name === r.name)?.path ?? r.name}: ${r.message} (${r.code})`);
    }
    console.error(`“${list.name}”: ${added} added, ${already} already listed, ${refused} refused`);
    console.log(JSON.stringify({ list_id: list.id, added, already_listed: already, refused }));
    if (refused > 0) process.exitCode = 1;
    return;
  }
  throw new UsageError(`unknown command: lists ${sub}`);
});
