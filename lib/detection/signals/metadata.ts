// Metadata signal: what the file says about its own origin. Generator parameter blocks (A1111,
// ComfyUI, InvokeAI, NovelAI, SwarmUI, Fooocus, Midjourney job ids), an IPTC DigitalSourceType of
// trained-algorithmic media, Google's "Made with Google AI" credit, or a generator named in a tool
// field are decisive: tools write them, cameras never do. Camera evidence (make/model, exposure, lens,
// GPS, capture time, a thumbnail that matches the pixels) only leans toward capture, because copying
// EXIF onto any image is trivial. No metadata is no evidence: most platforms strip it.
import { AI_DST, type Finding, digitalSourceTypes, findEditingSoftware, findGeneratorBlocks, findGeneratorSoftware, findGoogleAiCredit } from "../provenance/generator-metadata";
import { collectMetadata, type CollectedMetadata } from "../provenance/metadata-collect";
import { compareThumbnail } from "../provenance/thumbnail-compare";
import { defineSignal, type SignalOutput } from "../signal";

const messages = {
  a1111_parameters: { message: "Stable Diffusion WebUI generation parameters are embedded.", direction: "ai" },
  comfyui_workflow: { message: "A ComfyUI workflow / prompt graph is embedded.", direction: "ai" },
  invokeai_metadata: { message: "InvokeAI generation metadata is embedded.", direction: "ai" },
  novelai_metadata: { message: "NovelAI generation metadata is embedded.", direction: "ai" },
  swarmui_parameters: { message: "SwarmUI generation parameters are embedded.", direction: "ai" },
  fooocus_parameters: { message: "Fooocus generation parameters are embedded.", direction: "ai" },
  midjourney_job: { message: "The description carries a Midjourney job id.", direction: "ai" },
  iptc_ai_source_type: {
    message: "IPTC DigitalSourceType declares the image was generated (fully or partly) by a trained model.",
    direction: "ai",
  },
  google_ai_credit: { message: "The credit line says \"Made with Google AI\".", direction: "ai" },
  generator_software: { message: "A tool field names an AI image generator.", direction: "ai" },
  camera_make_model: { message: "EXIF names a camera make and model.", direction: "authentic" },
  exposure_settings: { message: "EXIF records exposure settings (shutter, aperture, ISO).", direction: "authentic" },
  lens_info: { message: "EXIF records the lens.", direction: "authentic" },
  gps_location: { message: "EXIF records a GPS position.", direction: "authentic" },
  capture_time: { message: "EXIF records when the photo was taken.", direction: "authentic" },
  thumbnail_consistent: { message: "The embedded EXIF thumbnail matches the image.", direction: "authentic" },
  iptc_capture_source_type: { message: "IPTC DigitalSourceType declares a camera/scanner capture.", direction: "authentic" },
  thumbnail_mismatch: {
    message: "The embedded EXIF thumbnail does not match the image: the pixels changed after the thumbnail was made.",
    direction: "neutral",
  },
  thumbnail_cropped: {
    message: "The EXIF thumbnail shows a wider frame that contains the image: the photo was cropped after capture.",
    direction: "neutral",
  },
  editing_software: { message: "The file was saved by image-editing software.", direction: "neutral" },
  metadata_damaged: { message: "Some metadata is damaged or incomplete.", direction: "neutral" },
  metadata_absent: {
    message:
      "The file carries no EXIF, XMP, IPTC or text metadata; stripping is common (social networks, messengers, screenshots), so this is not evidence.",
    direction: "neutral",
  },
  no_provenance_metadata: { message: "Metadata is present but says nothing about the image's origin.", direction: "neutral" },
} as const;

type Code = keyof typeof messages;
type Output = SignalOutput<Code>;

const FINDING_CODE: Record<Finding["kind"], Code> = {
  a1111_parameters: "a1111_parameters",
  comfyui_graph: "comfyui_workflow",
  invokeai_metadata: "invokeai_metadata",
  novelai_metadata: "novelai_metadata",
  swarmui_parameters: "swarmui_parameters",
  fooocus_parameters: "fooocus_parameters",
  midjourney_job: "midjourney_job",
  iptc_ai_source_type: "iptc_ai_source_type",
  google_ai_credit: "google_ai_credit",
  generator_software: "generator_software",
};

/** Parameter blocks record the exact tool (and usually the model); they outrank names in tool fields. */
const KIND_RANK: Finding["kind"][] = [
  "a1111_parameters",
  "comfyui_graph",
  "invokeai_metadata",
  "swarmui_parameters",
  "fooocus_parameters",
  "novelai_metadata",
  "midjourney_job",
  "google_ai_credit",
  "generator_software",
  "iptc_ai_source_type",
];

/** Camera facts: each lowers the score a little, together never below CAMERA_FLOOR. */
const CAMERA_WEIGHTS = {
  camera_make_model: 0.08,
  exposure_settings: 0.06,
  lens_info: 0.03,
  gps_location: 0.03,
  capture_time: 0.02,
  thumbnail_consistent: 0.08,
  iptc_capture_source_type: 0.05,
} as const;
const CAMERA_FLOOR = 0.25;

export default defineSignal({
  id: "metadata",
  version: "1.0.0",
  title: "Metadata (EXIF, XMP, IPTC, PNG text)",
  messages,
  async run(image): Promise<Output> {
    const md = await collectMetadata(image.bytes, image.info.format);
    const dst = digitalSourceTypes(md);
    const findings = [...findGeneratorBlocks(md), ...findGeneratorSoftware(md)];
    const google = findGoogleAiCredit(md);
    if (google) findings.push(google);
    const aiDst = dst.filter((t) => AI_DST.has(t));
    if (aiDst.length) {
      findings.push({
        kind: "iptc_ai_source_type",
        tool: "IPTC DigitalSourceType",
        model: null,
        field: "xmp Iptc4xmpExt:DigitalSourceType",
        excerpt: aiDst.join(", "),
      });
    }
    const editing = findEditingSoftware(md);
    const base = {
      containers: [...new Set(md.containers)],
      digitalSourceTypes: dst,
      c2paManifestPresent: md.c2pa,
      editingSoftware: editing,
      warnings: md.warnings,
    };
    const flags: Output["flags"] = [];
    if (md.warnings.length) flags.push({ code: "metadata_damaged", detail: md.warnings.join("; ") });
    if (editing.length) flags.push({ code: "editing_software", detail: editing.join(", ") });

    if (findings.length) return decideAi(findings, aiDst, flags, base);

    const camera = await cameraEvidence(md, image.analysis, dst, editing.length > 0, image.info);
    flags.push(...camera.flags);
    const details = { ...base, camera: camera.facts, thumbnail: camera.thumbnail };
    if (camera.score !== null) {
      return {
        score: camera.score,
        flags,
        summary: camera.summary,
        details,
      };
    }
    const empty = md.containers.length === 0 && md.texts.length === 0;
    const c2paNote = md.c2pa ? " The file does carry a C2PA manifest, which the Content Credentials signal judges." : "";
    flags.push({ code: empty ? "metadata_absent" : "no_provenance_metadata" });
    return {
      // Null, not 0.5: stripped metadata is the norm for shared images, so it is no evidence.
      score: null,
      flags,
      summary: empty
        ? `No EXIF, XMP, IPTC or text metadata; no score, because stripped metadata is common for both photos and AI images.${c2paNote}`
        : `Metadata (${base.containers.join(", ") || "text"}) is present but says nothing about the image's origin; no score.${c2paNote}`,
      details,
    };
  },
});

function decideAi(findings: Finding[], aiDst: string[], flags: Output["flags"], base: Record<string, unknown>): Output {
  const ranked = [...findings].sort((a, b) => KIND_RANK.indexOf(a.kind) - KIND_RANK.indexOf(b.kind) || Number(!!b.model) - Number(!!a.model));
  const top = ranked[0]!;
  const seen = new Set<Code>();
  const aiFlags: Output["flags"] = [];
  for (const f of ranked) {
    const code = FINDING_CODE[f.kind];
    if (seen.has(code)) continue;
    seen.add(code);
    const what = f.kind === "iptc_ai_source_type" ? f.excerpt : `${f.tool}${f.model ? `, model ${f.model}` : ""}`;
    aiFlags.push({ code, detail: `${what} (${f.field}).` });
  }
  flags.unshift(...aiFlags);
  // A tool name alone is a weaker claim than a parameter block or a source-type declaration.
  const onlyNames = ranked.every((f) => f.kind === "generator_software");
  const confidence = onlyNames ? 0.9 : 0.95;
  const withModel = ranked.find((f) => f.model && f.tool === top.tool) ?? top;
  const knownTool = top.kind !== "iptc_ai_source_type";
  const generator = knownTool ? (withModel.model ? `${withModel.model} (${withModel.tool})` : withModel.tool) : null;
  const partly = aiDst.length > 0 && aiDst.every((t) => t === "compositeWithTrainedAlgorithmicMedia");
  const what = partly ? "was partly generated by AI" : "was generated by AI";
  const summary = generator
    ? `The metadata says the image ${what}: ${generator}, from ${top.field}.`
    : `The metadata declares the image ${what} (IPTC DigitalSourceType ${aiDst.join(", ")}).`;
  return {
    score: confidence,
    flags,
    summary,
    details: {
      ...base,
      findings: ranked,
      // Convention: lib/detection/README.md, "Provenance convention".
      provenance: {
        decisive: true,
        direction: "ai",
        generator,
        source: "metadata",
        confidence,
        claim: summary,
      },
    },
  };
}

interface CameraEvidence {
  score: number | null;
  flags: Output["flags"];
  facts: Record<string, unknown>;
  thumbnail: unknown;
  summary: string;
}

/** Placeholder values some firmwares and editors write instead of leaving a tag out. */
const JUNK = /^(?:n\/?a|unknown|none|null|-+|0+)$/i;

async function cameraEvidence(
  md: CollectedMetadata,
  analysis: Parameters<typeof compareThumbnail>[1],
  dst: string[],
  edited: boolean,
  imageSize: { width: number; height: number },
): Promise<CameraEvidence> {
  const e = md.exif;
  const s = (k: string) => {
    const v = e[k];
    return typeof v === "string" && v.trim() && !JUNK.test(v.trim()) ? v.trim() : null;
  };
  const n = (k: string) => (typeof e[k] === "number" && Number.isFinite(e[k]) ? (e[k] as number) : null);
  const flags: Output["flags"] = [];
  const make = s("Make");
  const model = s("Model");
  const facts: Record<string, unknown> = { make, model };
  const cam = make && model?.toLowerCase().startsWith(make.toLowerCase()) ? model : [make, model].filter(Boolean).join(" ");
  if (cam) flags.push({ code: "camera_make_model", detail: cam });
  const exposure = {
    exposureTime: n("ExposureTime"),
    fNumber: n("FNumber"),
    iso: n("ISO") ?? n("ISOSpeedRatings") ?? n("PhotographicSensitivity"),
    focalLength: n("FocalLength"),
  };
  Object.assign(facts, exposure);
  const present = [exposure.exposureTime, exposure.fNumber, exposure.iso].filter((x) => x !== null).length;
  if (present >= 2) {
    const parts = [
      exposure.exposureTime !== null ? `${exposure.exposureTime < 1 ? `1/${Math.round(1 / exposure.exposureTime)}` : exposure.exposureTime} s` : null,
      exposure.fNumber !== null ? `f/${exposure.fNumber}` : null,
      exposure.iso !== null ? `ISO ${exposure.iso}` : null,
    ];
    flags.push({ code: "exposure_settings", detail: parts.filter(Boolean).join(", ") });
  }
  const lens = s("LensModel") ?? s("LensMake");
  facts.lens = lens;
  if (lens) flags.push({ code: "lens_info", detail: lens });
  const gps = md.gps.GPSLatitude !== undefined && md.gps.GPSLongitude !== undefined;
  facts.gps = gps;
  if (gps) flags.push({ code: "gps_location" });
  const taken = e.DateTimeOriginal;
  facts.dateTimeOriginal = taken instanceof Date ? taken.toISOString() : (taken ?? null);
  if (taken) flags.push({ code: "capture_time", detail: String(facts.dateTimeOriginal) });
  const captureDst = dst.find((t) => ["digitalCapture", "negativeFilm", "positiveFilm", "print", "minorHumanEdits"].includes(t));
  if (captureDst) flags.push({ code: "iptc_capture_source_type", detail: captureDst });

  const capW = n("ExifImageWidth") ?? n("PixelXDimension");
  const capH = n("ExifImageHeight") ?? n("PixelYDimension");
  const captureSize = capW && capH ? { width: capW, height: capH } : undefined;
  const thumbnail = md.thumbnail ? await compareThumbnail(md.thumbnail, analysis, captureSize, imageSize) : null;
  // A matching thumbnail only supports a capture when a camera wrote it: editors regenerate the
  // thumbnail on every save, so after one (or without a camera at all) agreement is expected.
  if (thumbnail?.verdict === "consistent" && cam && !edited) flags.push({ code: "thumbnail_consistent", detail: `r = ${thumbnail.correlation!.toFixed(2)}` });

  const authentic = flags.filter((f) => f.code in CAMERA_WEIGHTS);
  if (thumbnail?.verdict === "mismatch") flags.push({ code: "thumbnail_mismatch", detail: `r = ${thumbnail.correlation!.toFixed(2)}` });
  if (thumbnail?.verdict === "cropped") flags.push({ code: "thumbnail_cropped", detail: `r = ${thumbnail.cropCorrelation!.toFixed(2)}` });
  if (authentic.length === 0) return { score: null, flags, facts, thumbnail, summary: "" };
  const drop = authentic.reduce((acc, f) => acc + CAMERA_WEIGHTS[f.code as keyof typeof CAMERA_WEIGHTS], 0);
  let score = Math.max(CAMERA_FLOOR, 0.5 - drop);
  // A thumbnail of different pixels halves the camera lean: the capture data may no longer describe
  // what we see (EXIF copied onto another image), but on real photos the usual cause is a crop that
  // kept the old thumbnail (about a third of the camera JPEGs in the training data), so it is not
  // evidence of generation either.
  if (thumbnail?.verdict === "mismatch") score = 0.5 - (0.5 - score) / 2;
  const summary =
    thumbnail?.verdict === "mismatch"
      ? `Camera metadata${cam ? ` (${cam})` : ""} is present, but its thumbnail shows different pixels (cropped or replaced since), so it counts for less.`
      : `Camera metadata${cam ? ` (${cam})` : ""} points to a real capture (${authentic.length} sign${authentic.length > 1 ? "s" : ""}), though EXIF is easy to copy, so this is not proof.`;
  return { score: Math.round(score * 100) / 100, flags, facts, thumbnail, summary };
}
