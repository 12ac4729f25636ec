// Labelled image sets for eval and fusion fitting: a folder with ai/ and real/ (labels.csv beside it
// adds source/generator), or a labels CSV. 2×2 grid files (SD cheat-sheet) become four tiles.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import sharp, { type Sharp } from "sharp";
import { parseCsv } from "../csv";
import { decodeImage } from "../decode";

export interface LabelledItem {
  /** Display id: relative path, plus "#tN" for grid tiles. */
  id: string;
  file: string;
  label: "ai" | "real";
  source: string;
  generator: string;
  /** Present for grid tiles: which quadrant. */
  tile?: { index: number; of: 4 };
}

interface CsvRow { path: string; label: string; split: string; source: string; generator: string }

function readLabels(csvPath: string): CsvRow[] {
  const [header, ...rows] = parseCsv(readFileSync(csvPath, "utf8"));
  if (!header) return [];
  const col = (name: string) => header.indexOf(name);
  const [p, l, s, src, gen] = ["path", "label", "split", "source", "generator"].map(col);
  if (p === undefined || p < 0 || l === undefined || l < 0) throw new Error(`${csvPath}: needs path and label columns`);
  return rows.map((r) => ({ path: r[p]!, label: r[l]!, split: s! >= 0 ? r[s!]! : "", source: src! >= 0 ? r[src!]! : "", generator: gen! >= 0 ? r[gen!]! : "" }));
}

/** The dataset README marks SD cheat-sheet files as "2x2 grid of 512px": they must be tiled. */
export function isGrid(generator: string): boolean {
  return /2x2 grid/i.test(generator);
}

function expand(base: Omit<LabelledItem, "id" | "tile">, rel: string): LabelledItem[] {
  if (!isGrid(base.generator)) return [{ ...base, id: rel }];
  return [0, 1, 2, 3].map((index) => ({ ...base, id: `${rel}#t${index}`, tile: { index, of: 4 as const } }));
}

/**
 * `data` is a folder (with ai/ and real/) or a CSV. `split` filters CSV rows (e.g. "train").
 * For a folder, labels.csv in the folder or its parent supplies source/generator.
 */
export function loadDataset(data: string, split?: string): LabelledItem[] {
  const abs = path.resolve(data);
  if (statSync(abs).isFile()) {
    const root = path.dirname(abs);
    return readLabels(abs)
      .filter((r) => (!split || r.split === split) && (r.label === "ai" || r.label === "real"))
      .flatMap((r) => expand({ file: path.join(root, r.path), label: r.label as "ai" | "real", source: r.source, generator: r.generator }, r.path));
  }
  const csv = [path.join(abs, "labels.csv"), path.join(path.dirname(abs), "labels.csv")].find(existsSync);
  const meta = new Map<string, CsvRow>();
  if (csv) for (const r of readLabels(csv)) meta.set(path.resolve(path.dirname(csv), r.path), r);
  const items: LabelledItem[] = [];
  for (const label of ["ai", "real"] as const) {
    const dir = path.join(abs, label);
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir).sort()) {
      const file = path.join(dir, name);
      if (!statSync(file).isFile()) continue;
      const m = meta.get(file);
      const rel = path.relative(path.dirname(abs), file);
      items.push(...expand({ file, label, source: m?.source || name.split("__")[0] || "unknown", generator: m?.generator ?? "" }, rel));
    }
  }
  return items;
}

/** Pixels of the engine's full-resolution decode as a sharp pipeline (lossless from here on). */
async function decodedPipeline(bytes: Buffer): Promise<Sharp> {
  const d = await decodeImage(bytes);
  if (!d.ok) throw new UndecodableError(d.error.code, d.error.message);
  const full = await d.value.fullRes();
  return sharp(full.data, { raw: { width: full.width, height: full.height, channels: full.channels } });
}

/** A file the engine's decoder refuses: eval counts it as a decode error and goes on. */
export class UndecodableError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The bytes to analyse: the file, or one 512² quadrant of the engine's decode saved as PNG at low
 * zlib effort (pixels unchanged; lossless WebP encoding is several times slower).
 */
export async function itemBytes(item: LabelledItem): Promise<Buffer> {
  const bytes = readFileSync(item.file);
  if (!item.tile) return bytes;
  const img = await decodedPipeline(bytes);
  const m = await img.metadata();
  const w = Math.floor((m.width ?? 0) / 2);
  const h = Math.floor((m.height ?? 0) / 2);
  const i = item.tile.index;
  return img.extract({ left: (i % 2) * w, top: Math.floor(i / 2) * h, width: w, height: h }).png({ compressionLevel: 1 }).toBuffer();
}

/**
 * A re-encoding applied to the engine's decode of a file (never to the file through another
 * decoder: every format the engine reads, HEIC included, can be perturbed). Throws
 * `UndecodableError` when the engine refuses the file.
 */
export type Perturbation = { name: string; apply(bytes: Buffer): Promise<Buffer> };

/** `jpeg75` → re-encode as JPEG q75; `resize0.5` → Lanczos resize, saved as lossless PNG; `webp80`. */
export function parsePerturbation(spec: string): Perturbation {
  const m = /^(jpeg|webp|resize)([\d.]+)$/.exec(spec.trim());
  if (!m) throw new Error(`unknown perturbation "${spec}" (use jpegQ, webpQ or resizeF)`);
  const v = Number(m[2]);
  switch (m[1]) {
    case "jpeg":
      return { name: spec, apply: async (b) => (await decodedPipeline(b)).jpeg({ quality: v }).toBuffer() };
    case "webp":
      return { name: spec, apply: async (b) => (await decodedPipeline(b)).webp({ quality: v }).toBuffer() };
    default:
      return {
        name: spec,
        apply: async (b) => {
          const img = await decodedPipeline(b);
          const meta = await img.metadata();
          const w = Math.max(1, Math.round((meta.width ?? 1) * v));
          return img.resize({ width: w, kernel: "lanczos3" }).png().toBuffer();
        },
      };
  }
}
