// The detector's files on disk (ONNX + sidecar JSON), checked without onnxruntime: loadModel() builds
// its inference session from them, and health checks and start-up logs ask whether they are usable
// without loading the runtime into the web server's process.
import { createHash } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { paths } from "../../env";

const sidecarSchema = z.object({
  version: z.string().min(1),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  input: z.object({ name: z.string(), shape: z.array(z.union([z.string(), z.number()])).length(4) }),
  output: z.object({ name: z.string() }),
  patch: z.object({
    size: z.number().int().positive(),
    stride: z.number().int().positive(),
    maxPerSide: z.number().int().positive(),
  }),
  aggregation: z.object({ method: z.string().regex(/^(mean|top\d+)$/) }),
  calibration: z.object({ method: z.literal("platt"), a: z.number(), b: z.number() }),
});
export type Sidecar = z.infer<typeof sidecarSchema>;

/** `<dir>/<name>.onnx` → `<dir>/<name>.json`. */
export function sidecarPath(modelPath: string): string {
  const ext = path.extname(modelPath);
  return path.join(path.dirname(modelPath), `${path.basename(modelPath, ext)}.json`);
}

async function exists(p: string): Promise<boolean> {
  try {
    await fs.access(p);
    return true;
  } catch {
    return false;
  }
}

/**
 * The model file and its sidecar, checked: null when the model file is absent (an expected deployment
 * state: the signal reports not-applicable). A model without a valid sidecar, or whose bytes do not
 * match the sidecar's sha256, is a broken install and throws so an operator sees it instead of
 * silently getting made-up preprocessing.
 */
export async function readModelFiles(modelPath: string): Promise<{ bytes: Buffer; sidecar: Sidecar } | null> {
  if (!(await exists(modelPath))) return null;
  const jsonPath = sidecarPath(modelPath);
  if (!(await exists(jsonPath))) throw new Error(`model sidecar missing: ${jsonPath}`);
  let raw: unknown;
  try {
    raw = JSON.parse(await fs.readFile(jsonPath, "utf8"));
  } catch (e) {
    throw new Error(`model sidecar ${jsonPath} is not JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  const parsed = sidecarSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ");
    throw new Error(`model sidecar ${jsonPath} is invalid: ${issues}`);
  }
  const sidecar = parsed.data;
  const bytes = await fs.readFile(modelPath);
  const sha = createHash("sha256").update(bytes).digest("hex");
  if (sha !== sidecar.sha256) throw new Error(`model ${modelPath} sha256 ${sha} does not match its sidecar`);
  return { bytes, sidecar };
}

export type ModelFileStatus = { status: "ok"; version: string } | { status: "missing" } | { status: "invalid"; error: string };

/**
 * Whether the detector at `modelPath` is installed and intact, without starting an inference session
 * (for health checks and start-up logs; the scans themselves load it in their detection threads).
 */
export async function inspectModelFile(modelPath: string = paths.model): Promise<ModelFileStatus> {
  try {
    const files = await readModelFiles(path.resolve(modelPath));
    return files ? { status: "ok", version: files.sidecar.version } : { status: "missing" };
  } catch (e) {
    return { status: "invalid", error: e instanceof Error ? e.message : String(e) };
  }
}
