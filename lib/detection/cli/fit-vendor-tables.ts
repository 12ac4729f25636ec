// Build formats/jpeg-vendor-tables.json: non-IJG quantisation tables seen in train-split JPEGs whose
// EXIF names a camera make (or editing software), keyed by a hash of the tables. The jpeg signal uses it
// for the "vendor hint": camera firmware ships fixed, make-specific tables.
//   npx tsx lib/detection/cli/fit-vendor-tables.ts [--data ../shared/datasets/labels.csv]
// Only derived numbers are stored (table hashes, makes, counts), never image data.
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import exifr from "exifr";
import { loadDataset } from "./dataset";
import { parseDqt, walkJpeg } from "../formats/jpeg-markers";
import { matchTable } from "../formats/jpeg-quant";
import { tablesKey } from "../formats/jpeg-vendor";

const i = process.argv.indexOf("--data");
const data = i >= 0 ? process.argv[i + 1]! : "../shared/datasets/labels.csv";

/** Editors re-encode with their own tables, so a named editor wins over the camera make. */
const EDITORS = /(photoshop|lightroom|gimp|capture one|affinity|snapseed|picasa|paint\.net|pixelmator|darktable|rawtherapee|imagemagick)/i;

function vendorName(make: string | undefined, software: string | undefined): string {
  const editor = software ? EDITORS.exec(software) : null;
  if (editor) return `${editor[1]!.replace(/^./, (c) => c.toUpperCase())} (editor)`;
  // "NIKON CORPORATION" and "NIKON" are one vendor: first word, upper case.
  const m = make?.trim().split(/\s+/)[0];
  return m ? m.toUpperCase() : "";
}

async function main() {
  const seen = new Map<string, Map<string, number>>();
  let files = 0;
  for (const item of loadDataset(data, "train")) {
    if (item.tile) continue;
    const bytes = readFileSync(item.file);
    const walk = walkJpeg(bytes);
    if (!walk.segments.length || walk.error === "missing SOI marker") continue;
    const tables = walk.segments.filter((s) => s.name === "DQT").flatMap((s) => parseDqt(s.data));
    const luma = tables.find((t) => t.id === 0);
    if (!luma || matchTable(luma.values, false).exactQuality !== null) continue;
    const exif = (await exifr.parse(bytes, { pick: ["Make", "Software"] }).catch(() => null)) as { Make?: string; Software?: string } | null;
    const who = vendorName(exif?.Make, exif?.Software);
    if (!who) continue;
    files++;
    const key = tablesKey(tables);
    const m = seen.get(key) ?? new Map<string, number>();
    m.set(who, (m.get(who) ?? 0) + 1);
    seen.set(key, m);
  }
  const out: Record<string, { source: string; count: number }[]> = {};
  for (const [key, m] of [...seen].sort(([a], [b]) => a.localeCompare(b))) {
    out[key] = [...m].map(([source, count]) => ({ source, count })).sort((a, b) => b.count - a.count);
  }
  const path = fileURLToPath(new URL("../formats/jpeg-vendor-tables.json", import.meta.url));
  writeFileSync(path, `${JSON.stringify({ builtFrom: `${data} (train split)`, files, tables: out }, null, 2)}\n`);
  console.log(`wrote ${path}: ${Object.keys(out).length} distinct table sets from ${files} files`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
