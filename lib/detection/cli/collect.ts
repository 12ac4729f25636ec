// Run the signals over a labelled set (optionally perturbed), with an on-disk cache so refitting and
// re-evaluating do not redo unchanged work. Cache key: file, tile, perturbation, signal id@version.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { decodeImage } from "../decode";
import { runSignals } from "../run-detection";
import type { AnySignal } from "../signals";
import type { SignalResult } from "../types";
import { itemBytes, UndecodableError, type LabelledItem, type Perturbation } from "./dataset";

export type LiteResult = Pick<SignalResult, "id" | "version" | "status" | "score" | "details" | "error" | "ms" | "flags">;

export interface Row {
  item: LabelledItem;
  signals: LiteResult[];
  /** Set when the (perturbed) image could not be decoded. */
  decodeError?: string;
}

const CACHE_DIR = path.join(os.tmpdir(), "loupe-signal-cache");

/**
 * The ml signal's output depends on the model files as well as on its code version: key its cache
 * entries on their sizes and mtimes too, so a retrained model is never scored from stale entries.
 */
export function modelSalt(): string {
  const p = path.resolve(process.env.MODEL_PATH ?? "models/loupe-detector.onnx");
  if (!existsSync(p)) return "no-model";
  // The sidecar (preprocessing, calibration) changes scores as much as the weights do.
  return [p, p.replace(/\.onnx$/, ".json")]
    .filter((f) => existsSync(f))
    .map((f) => {
      const st = statSync(f);
      return `${st.size}-${st.mtimeMs}`;
    })
    .join("+");
}

function key(item: LabelledItem, pert: string, sig: AnySignal, salt: string): string {
  const version = sig.id === "ml" ? `${sig.version}+${salt}` : sig.version;
  return createHash("sha1").update(`${item.file}|${item.tile?.index ?? ""}|${pert}|${sig.id}@${version}`).digest("hex");
}

export async function collect(
  items: LabelledItem[],
  signals: readonly AnySignal[],
  perturbation: Perturbation | null,
  /** `refresh`: signal ids to recompute even when cached (code changed without a version bump). */
  opts: { cache?: boolean; progress?: string; refresh?: ReadonlySet<string> } = {},
): Promise<Row[]> {
  const useCache = opts.cache ?? true;
  if (useCache) mkdirSync(CACHE_DIR, { recursive: true });
  const pert = perturbation?.name ?? "none";
  const salt = modelSalt();
  const rows: Row[] = [];
  let done = 0;
  for (const item of items) {
    const cached = new Map<string, LiteResult>();
    const todo: AnySignal[] = [];
    for (const s of signals) {
      const f = path.join(CACHE_DIR, `${key(item, pert, s, salt)}.json`);
      if (useCache && !opts.refresh?.has(s.id) && existsSync(f)) cached.set(s.id, JSON.parse(readFileSync(f, "utf8")) as LiteResult);
      else todo.push(s);
    }
    let decodeError: string | undefined;
    if (todo.length) {
      try {
        let bytes = await itemBytes(item);
        if (perturbation) bytes = await perturbation.apply(bytes);
        const decoded = await decodeImage(bytes);
        if (!decoded.ok) decodeError = decoded.error.code;
        else {
          for (const r of await runSignals(decoded.value, { heatmaps: false }, todo)) {
            const lite: LiteResult = { id: r.id, version: r.version, status: r.status, score: r.score, details: r.details, error: r.error, ms: r.ms, flags: r.flags };
            cached.set(r.id, lite);
            // Errors are not cached: they may be transient (e.g. a model file being replaced).
            if (useCache && r.status !== "error") {
              writeFileSync(path.join(CACHE_DIR, `${key(item, pert, signals.find((s) => s.id === r.id)!, salt)}.json`), JSON.stringify(lite));
            }
          }
        }
      } catch (e) {
        // One file the engine cannot read (or re-encode) is a counted decode error, never the end of the run.
        decodeError = e instanceof UndecodableError ? e.code : "image_corrupt";
        process.stderr.write(`${item.id}: ${e instanceof Error ? e.message.split("\n")[0] : String(e)}\n`);
      }
    }
    rows.push({ item, signals: signals.map((s) => cached.get(s.id)).filter((x): x is LiteResult => x !== undefined), decodeError });
    done++;
    if (opts.progress && (done % 50 === 0 || done === items.length)) process.stderr.write(`${opts.progress}: ${done}/${items.length}\n`);
  }
  return rows;
}
