// JPEG structure: who encoded this file, at what quality, and was it compressed twice?
// Camera firmware and many editors use their own quantisation tables; libjpeg-based software
// (most generator back-ends, web services, Python/PIL, sharp) uses Annex K tables scaled by the IJG
// formula. Neither proves anything alone; fusion weighs the score.
import { chromaSubsampling, parseDqt, parseSof, walkJpeg, type QuantTable } from "../formats/jpeg-markers";
import { doubleQuantisation, matchTable } from "../formats/jpeg-quant";
import { vendorsFor } from "../formats/jpeg-vendor";
import { lumaCrop, lumaOf, round, sigmoid } from "../pixels";
import { defineSignal } from "../signal";

/** Roughness above this means periodic DCT histograms. Measured on sharp fixtures: single compression
 * gives 5–10 (decoder rounding), a prior compression at 0.6× the quality 100–2000. */
const DOUBLE_Q_THRESHOLD = 30;

// Score = sigmoid(W_STANDARD·standardTables + W_DOUBLE·doubleCompressed + W_QUALITY·quality/100 + W_BIAS).
// Coefficients from `npx tsx lib/detection/fusion/fit.ts --signal-stats --sample 3` (one-signal logistic
// regression on JPEG rows of every 3rd train item, as-is and JPEG-re-encoded; train AUC 0.66). On this
// data higher quality points to real photos (camera originals), so "very high quality" is a neutral flag.
// Subsampling and a q ≥ 95 indicator fitted large, source-specific weights and were left out.
const W_STANDARD = 0.84;
const W_DOUBLE = -0.621;
const W_QUALITY = -5.471;
const W_BIAS = 3.947;

export default defineSignal({
  id: "jpeg",
  version: "1.2.0",
  title: "JPEG encoder and compression history",
  messages: {
    not_jpeg: { message: "The file is not a JPEG, so JPEG structure checks do not apply.", direction: "neutral" },
    standard_tables: { message: "Quantisation tables are the standard IJG/libjpeg tables, as written by common software encoders.", direction: "neutral" },
    nonstandard_tables: { message: "Quantisation tables are not the standard libjpeg ones, typical of camera firmware or a photo editor.", direction: "authentic" },
    camera_tables: { message: "These exact quantisation tables were seen in camera originals in Loupe's reference set.", direction: "authentic" },
    editor_tables: { message: "These exact quantisation tables were seen in files saved by a photo editor in Loupe's reference set.", direction: "neutral" },
    very_high_quality: { message: "Encoded at very high quality (≥ 95).", direction: "neutral" },
    double_compression: { message: "DCT coefficient histograms are periodic: the image was JPEG-compressed before, with different tables.", direction: "neutral" },
    no_quant_tables: { message: "The JPEG has no quantisation tables (malformed or lossless).", direction: "neutral" },
    progressive: { message: "Progressive JPEG, as written by web optimisers and some editors.", direction: "neutral" },
  },
  async run(image) {
    if (image.info.format !== "jpeg") {
      return { score: null, notApplicable: true, flags: [{ code: "not_jpeg" }], summary: "Not a JPEG: JPEG checks do not apply." };
    }
    const walk = walkJpeg(image.bytes);
    const tables: QuantTable[] = walk.segments.filter((s) => s.name === "DQT").flatMap((s) => parseDqt(s.data));
    const sofSeg = walk.segments.find((s) => /^SOF\d+$/.test(s.name));
    const frame = sofSeg ? parseSof(sofSeg) : null;
    const subsampling = frame ? chromaSubsampling(frame) : "unknown";
    const lumaTableId = frame?.components[0]?.tq ?? 0;
    const chromaTableId = frame?.components[1]?.tq;
    const lumaTable = tables.find((t) => t.id === lumaTableId) ?? tables[0];
    const chromaTable = chromaTableId === undefined ? undefined : tables.find((t) => t.id === chromaTableId);
    const flags: { code: "standard_tables" | "nonstandard_tables" | "camera_tables" | "editor_tables" | "very_high_quality" | "double_compression" | "no_quant_tables" | "progressive"; detail?: string }[] = [];
    if (!lumaTable) {
      return { score: 0.5, flags: [{ code: "no_quant_tables" }], summary: "The JPEG carries no quantisation tables.", details: { segments: walk.segments.map((s) => s.name) } };
    }
    const lumaMatch = matchTable(lumaTable.values, false);
    const chromaMatch = chromaTable ? matchTable(chromaTable.values, true) : null;
    const standard = lumaMatch.exactQuality !== null && (chromaMatch === null || chromaMatch.exactQuality !== null);
    const quality = lumaMatch.exactQuality ?? lumaMatch.nearestQuality;
    if (standard) flags.push({ code: "standard_tables", detail: `(IJG quality ${quality}, ${subsampling})` });
    else flags.push({ code: "nonstandard_tables", detail: `(closest IJG quality ≈ ${lumaMatch.nearestQuality}, mean difference ${round(lumaMatch.distance, 2)})` });
    // Vendor hint (formats/jpeg-vendor-tables.json, built from train-split camera JPEGs).
    const vendors = standard ? [] : vendorsFor(tables);
    const cameras = vendors.filter((v) => !v.source.endsWith("(editor)")).map((v) => v.source);
    const editors = vendors.filter((v) => v.source.endsWith("(editor)")).map((v) => v.source.replace(" (editor)", ""));
    if (cameras.length) flags.push({ code: "camera_tables", detail: `(${cameras.join(", ")})` });
    if (editors.length) flags.push({ code: "editor_tables", detail: `(${editors.join(", ")})` });
    if (quality >= 95) flags.push({ code: "very_high_quality" });
    if (frame?.type === "SOF2") flags.push({ code: "progressive" });

    // Double quantisation needs the decoded pixels on the file's own 8×8 grid.
    let y;
    if (image.analysisScale === 1) y = lumaOf(image.analysis);
    else {
      // Central 512×512 of the full-resolution pixels, crop origin on the 8×8 (and 16×16 MCU) grid.
      const full = await image.fullRes();
      const w = Math.min(512, full.width - (full.width % 8));
      const h = Math.min(512, full.height - (full.height % 8));
      const x0 = Math.floor((full.width - w) / 2 / 16) * 16;
      const y0 = Math.floor((full.height - h) / 2 / 16) * 16;
      y = lumaCrop(full, x0, y0, w, h);
    }
    const dq = doubleQuantisation(y, lumaTable.values);
    const doubled = dq !== null && dq.roughness > DOUBLE_Q_THRESHOLD;
    if (doubled) flags.push({ code: "double_compression", detail: `(histogram roughness ${round(dq.roughness, 1)})` });

    const z = W_STANDARD * (standard ? 1 : 0) + W_DOUBLE * (doubled ? 1 : 0) + W_QUALITY * (quality / 100) + W_BIAS;
    const score = round(sigmoid(z), 4);
    const hint = vendors.length ? `tables seen in ${vendors.map((v) => v.source).join(", ")} files` : "camera or editor";
    const who = standard ? `a standard libjpeg-style encoder at quality ${quality}` : `non-standard tables (≈ quality ${lumaMatch.nearestQuality}, ${hint})`;
    return {
      score,
      flags,
      summary: `JPEG written by ${who}, ${subsampling} chroma${doubled ? ", compressed at least twice" : ""}.`,
      details: {
        quality,
        standardTables: standard,
        lumaTableDistance: round(lumaMatch.distance, 3),
        chromaQuality: chromaMatch?.exactQuality ?? chromaMatch?.nearestQuality ?? null,
        subsampling,
        vendorHints: vendors,
        frame: frame?.type ?? null,
        tables: tables.map((t) => ({ id: t.id, precision: t.precision, values: t.values })),
        doubleQuantisation: dq && { roughness: round(dq.roughness, 3), blocks: dq.blocks, perCoefficient: dq.perCoefficient.map((c) => ({ ...c, roughness: Number.isFinite(c.roughness) ? round(c.roughness, 2) : null })) },
        complete: walk.complete,
      },
    };
  },
});
