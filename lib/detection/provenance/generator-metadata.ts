// Recognises the metadata blocks image generators write. Each detector returns a Finding naming the
// tool (and the model when the block records one). Formats as written by the tools' own code:
//   AUTOMATIC1111 / Forge / SD.Next: PNG tEXt "parameters" (JPEG/WebP: EXIF UserComment) —
//     "<prompt>\nNegative prompt: …\nSteps: 20, Sampler: …, Seed: …, Model: …, Version: …"
//   ComfyUI: PNG text "prompt" (API graph: {id: {class_type, inputs}}) and "workflow" ({nodes: […]}).
//   InvokeAI: "invokeai_metadata" / "invokeai_graph" (v3+ JSON), "sd-metadata" (v2 JSON), "Dream" (v1).
//   NovelAI: PNG "Software" = "NovelAI", "Source" = model, "Comment" = JSON parameters.
//   SwarmUI: "parameters" JSON with "sui_image_params". Fooocus: "fooocus_scheme" or JSON parameters.
//   Midjourney: XMP/IPTC description ending in "Job ID: <uuid>".
//   IPTC DigitalSourceType (XMP Iptc4xmpExt) trainedAlgorithmicMedia / compositeWithTrainedAlgorithmicMedia.
//   Google: XMP/IPTC credit "Made with Google AI".
import { EDITING_SOFTWARE, matchGenerator } from "./generators";
import type { CollectedMetadata, TextEntry } from "./metadata-collect";
import { xmpValues } from "./xmp";

export type FindingKind =
  | "a1111_parameters"
  | "comfyui_graph"
  | "invokeai_metadata"
  | "novelai_metadata"
  | "swarmui_parameters"
  | "fooocus_parameters"
  | "midjourney_job"
  | "iptc_ai_source_type"
  | "google_ai_credit"
  | "generator_software";

export interface Finding {
  kind: FindingKind;
  /** The tool, e.g. "Stable Diffusion (AUTOMATIC1111 WebUI)". */
  tool: string;
  /** Model / checkpoint recorded by the tool, if any. */
  model: string | null;
  /** Where it was found, e.g. "png:tEXt parameters". */
  field: string;
  /** A short excerpt for the evidence panel. */
  excerpt: string;
}

const IPTC_DST = /(?:https?:\/\/cv\.iptc\.org\/newscodes\/digitalsourcetype\/)?(\w+)$/;
export const AI_DST = new Set(["trainedAlgorithmicMedia", "compositeWithTrainedAlgorithmicMedia"]);

function excerpt(s: string, n = 160): string {
  const one = s.replace(/\s+/g, " ").trim();
  return one.length > n ? `${one.slice(0, n - 1)}…` : one;
}

function where(t: TextEntry): string {
  return `${t.source} ${t.key}`;
}

function parseJson(s: string): unknown {
  const t = s.trim();
  if (!t.startsWith("{") && !t.startsWith("[")) return null;
  try {
    return JSON.parse(t);
  } catch {
    return null;
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function str(v: unknown): string | null {
  return typeof v === "string" && v.trim() ? v.trim() : null;
}

/** The "Key: value, Key: value" settings line of an A1111 parameters block. */
export function parseA1111(text: string): Record<string, string> | null {
  const lines = text.split("\n");
  // Real settings lines stay under a few KB (many LoRA hashes included); the cap bounds the regex
  // below on hostile input.
  const settings = [...lines].reverse().find((l) => /^Steps: \d+/.test(l.trim()))?.slice(0, 8192);
  if (!settings || !/\b(?:Sampler|Seed|CFG scale): /.test(settings)) return null;
  const out: Record<string, string> = {};
  // Values may be quoted (and then contain commas), e.g. Lora hashes: "a: 1, b: 2".
  for (const m of settings.trim().matchAll(/\s*([\w \-/().]+?):\s*("(?:\\.|[^"])*"|[^,]*)(?:,|$)/g)) {
    const key = m[1]?.trim();
    if (key) out[key] = (m[2] ?? "").trim().replace(/^"(.*)"$/, "$1");
  }
  return out;
}

function a1111Tool(params: Record<string, string>): string {
  const version = params.Version ?? "";
  if (/^f\d/.test(version)) return "Stable Diffusion WebUI Forge";
  if (/fooocus/i.test(version)) return "Fooocus";
  if (params.App && /sd\.next/i.test(params.App)) return "SD.Next";
  return "AUTOMATIC1111 Stable Diffusion WebUI";
}

function comfyModel(graph: unknown): string | null {
  const nodes: unknown[] = isRecord(graph) && Array.isArray(graph.nodes) ? graph.nodes : isRecord(graph) ? Object.values(graph) : [];
  for (const n of nodes) {
    if (!isRecord(n)) continue;
    const type = str(n.class_type) ?? str(n.type) ?? "";
    if (!/checkpointloader|unetloader|unet_loader|diffusersloader/i.test(type)) continue;
    if (isRecord(n.inputs)) {
      const name = str(n.inputs.ckpt_name) ?? str(n.inputs.unet_name) ?? str(n.inputs.model_path);
      if (name) return name;
    }
    if (Array.isArray(n.widgets_values) && typeof n.widgets_values[0] === "string") return n.widgets_values[0];
  }
  return null;
}

function isComfyPrompt(v: unknown): boolean {
  return isRecord(v) && Object.values(v).some((n) => isRecord(n) && typeof n.class_type === "string");
}

function isComfyWorkflow(v: unknown): boolean {
  return isRecord(v) && Array.isArray(v.nodes) && v.nodes.some((n) => isRecord(n) && typeof n.type === "string");
}

function invokeModel(v: unknown): string | null {
  if (!isRecord(v)) return null;
  const m = v.model;
  if (isRecord(m)) return str(m.name) ?? str(m.model_name) ?? str(m.key);
  if (typeof m === "string") return m;
  if (isRecord(v.image)) return str(v.image.model) ?? str(v.model_weights);
  return str(v.model_weights) ?? str(v.model_name);
}

/** Every generator-parameter finding in the collected metadata. */
export function findGeneratorBlocks(md: CollectedMetadata): Finding[] {
  const found: Finding[] = [];
  const byKey = (k: string) => md.texts.filter((t) => t.key.toLowerCase() === k.toLowerCase());

  // ComfyUI's "prompt" is the graph that actually ran; "workflow" is the editor state and may hold
  // bypassed loaders, so the prompt's model is preferred.
  const texts = [...md.texts].sort((a, b) => Number(b.key === "prompt") - Number(a.key === "prompt"));
  for (const t of texts) {
    if (t.key === "fooocus_scheme") {
      found.push({ kind: "fooocus_parameters", tool: "Fooocus", model: null, field: where(t), excerpt: excerpt(t.value) });
      continue;
    }
    const json = parseJson(t.value);
    // SwarmUI and Fooocus put JSON into "parameters".
    if (isRecord(json) && isRecord(json.sui_image_params)) {
      const p = json.sui_image_params;
      found.push({ kind: "swarmui_parameters", tool: "SwarmUI", model: str(p.model), field: where(t), excerpt: excerpt(t.value) });
      continue;
    }
    if (isRecord(json) && t.key === "parameters" && ((str(json.version) ?? str(json.Version))?.toLowerCase().includes("fooocus") || "full_prompt" in json)) {
      const model = str(json.base_model) ?? str(json["Base Model"]) ?? str(json.base_model_name);
      found.push({ kind: "fooocus_parameters", tool: "Fooocus", model, field: where(t), excerpt: excerpt(t.value) });
      continue;
    }
    const a1111 = parseA1111(t.value);
    if (a1111) {
      found.push({ kind: "a1111_parameters", tool: a1111Tool(a1111), model: a1111.Model ?? null, field: where(t), excerpt: excerpt(t.value) });
      continue;
    }
    if (isComfyPrompt(json) || isComfyWorkflow(json)) {
      found.push({ kind: "comfyui_graph", tool: "ComfyUI", model: comfyModel(json), field: where(t), excerpt: excerpt(t.value) });
      continue;
    }
  }

  for (const key of ["invokeai_metadata", "invokeai_graph", "sd-metadata"]) {
    for (const t of byKey(key)) {
      const json = parseJson(t.value);
      if (json !== null) found.push({ kind: "invokeai_metadata", tool: "InvokeAI", model: invokeModel(json), field: where(t), excerpt: excerpt(t.value) });
    }
  }
  for (const t of byKey("Dream")) {
    // InvokeAI 1.x "dream" command line: "<prompt>" -s 50 -S 1234 -W 512 -H 512 -C 7.5 -A k_lms
    if (/\s-s\s*\d+/.test(t.value) && /\s-S\s*\d+/.test(t.value)) {
      found.push({ kind: "invokeai_metadata", tool: "InvokeAI", model: null, field: where(t), excerpt: excerpt(t.value) });
    }
  }

  const software = byKey("Software").map((t) => t.value);
  const comment = byKey("Comment").map((t) => ({ t, json: parseJson(t.value) }));
  const naiComment = comment.find(({ json }) => isRecord(json) && "uc" in json && "steps" in json && "sampler" in json);
  if (software.some((s) => /^novel\s?ai$/i.test(s.trim())) || naiComment) {
    const source = byKey("Source")[0]?.value ?? null;
    const field = naiComment ? where(naiComment.t) : "png Software";
    found.push({ kind: "novelai_metadata", tool: "NovelAI", model: source?.trim() || null, field, excerpt: excerpt(naiComment?.t.value ?? software.join(" ")) });
  }

  // Midjourney: "… Job ID: 0b6f7c2e-…" in the description (XMP dc:description, IPTC caption, PNG text).
  const descriptions = [
    ...xmpValues(md.xmp, "description").map((v) => ({ field: "xmp dc:description", v })),
    ...md.iptc.filter((r) => r.name === "Caption-Abstract").map((r) => ({ field: "iptc Caption-Abstract", v: r.value })),
    ...md.texts.filter((t) => /^(description|comment|imagedescription)$/i.test(t.key)).map((t) => ({ field: where(t), v: t.value })),
  ];
  const mj = descriptions.find(({ v }) => /Job ID:\s*[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i.test(v));
  if (mj) found.push({ kind: "midjourney_job", tool: "Midjourney", model: /--v(?:ersion)?\s+([\d.]+)/.exec(mj.v)?.[1] ? `v${/--v(?:ersion)?\s+([\d.]+)/.exec(mj.v)![1]}` : null, field: mj.field, excerpt: excerpt(mj.v) });

  return found;
}

/** IPTC digital source types declared in XMP (short terms, e.g. "trainedAlgorithmicMedia"). */
export function digitalSourceTypes(md: CollectedMetadata): string[] {
  const vals = [...xmpValues(md.xmp, "DigitalSourceType"), ...xmpValues(md.xmp, "digitalSourceType")];
  return [...new Set(vals.map((v) => IPTC_DST.exec(v.trim())?.[1] ?? v.trim()))];
}

/** Values of tool fields (where a generator name is a claim, not prose). */
export function toolFields(md: CollectedMetadata): { field: string; value: string }[] {
  const out: { field: string; value: string }[] = [];
  for (const key of ["Software", "ProcessingSoftware", "HostComputer"]) {
    const v = md.exif[key];
    if (typeof v === "string" && v.trim()) out.push({ field: `exif ${key}`, value: v.trim() });
  }
  for (const name of ["CreatorTool", "softwareAgent", "Software"]) {
    for (const v of xmpValues(md.xmp, name)) out.push({ field: `xmp ${name}`, value: v });
  }
  for (const r of md.iptc) if (r.name === "OriginatingProgram") out.push({ field: "iptc OriginatingProgram", value: r.value });
  for (const t of md.texts) {
    if (t.source.startsWith("png:") && /^(software|source|generator)$/i.test(t.key)) out.push({ field: where(t), value: t.value.trim() });
  }
  return out;
}

export function findGeneratorSoftware(md: CollectedMetadata): Finding[] {
  const out: Finding[] = [];
  for (const { field, value } of toolFields(md)) {
    const name = matchGenerator(value);
    if (name) out.push({ kind: "generator_software", tool: name, model: null, field, excerpt: excerpt(value) });
  }
  return out;
}

export function findEditingSoftware(md: CollectedMetadata): string[] {
  return [...new Set(toolFields(md).filter(({ value }) => EDITING_SOFTWARE.test(value)).map(({ value }) => excerpt(value, 60)))];
}

export function findGoogleAiCredit(md: CollectedMetadata): Finding | null {
  const credits = [
    ...xmpValues(md.xmp, "Credit").map((v) => ({ field: "xmp photoshop:Credit", v })),
    ...md.iptc.filter((r) => r.name === "Credit").map((r) => ({ field: "iptc Credit", v: r.value })),
  ];
  const hit = credits.find(({ v }) => /made with google ai/i.test(v));
  return hit ? { kind: "google_ai_credit", tool: "Google AI (Imagen / Gemini)", model: null, field: hit.field, excerpt: excerpt(hit.v) } : null;
}
