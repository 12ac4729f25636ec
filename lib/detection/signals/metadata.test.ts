import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { makeJpeg, makePng } from "../testing/fixtures";
import {
  buildTiff,
  comSegment,
  exifSegment,
  extendedXmpSegments,
  insertJpegSegments,
  iptcSegment,
  type TiffEntries,
  unicodeUserComment,
  xmpPacket,
  xmpSegment,
} from "../testing/provenance-exif";
import { decoded, insertPngChunks, type PngTextKind, pngTextChunk } from "../testing/provenance-fixtures";
import metadata from "./metadata";

const ctx = { heatmaps: false };
const run = async (bytes: Buffer) => metadata.run(await decoded(bytes), ctx);
const codes = (out: { flags: { code: string }[] }) => out.flags.map((f) => f.code);
const png = (chunks: [PngTextKind, string, string][]) =>
  makePng({ width: 48, height: 32, seed: 2 }).then((p) => insertPngChunks(p, chunks.map(([k, key, v]) => pngTextChunk(k, key, v))));
const jpeg = (segments: Buffer[]) => makeJpeg({ width: 64, height: 48, seed: 5 }).then((j) => insertJpegSegments(j, segments));

const A1111 =
  "a lighthouse at dusk, oil painting\nNegative prompt: blurry\nSteps: 30, Sampler: DPM++ 2M Karras, CFG scale: 7, Seed: 1234, Size: 1024x1024, Model hash: 31e35c80fc, Model: sd_xl_base_1.0, Lora hashes: \"a: 1, b: 2\", Version: v1.9.4";
const COMFY_PROMPT = JSON.stringify({
  "3": { class_type: "KSampler", inputs: { seed: 1, steps: 20 } },
  "4": { class_type: "CheckpointLoaderSimple", inputs: { ckpt_name: "flux1-dev-fp8.safetensors" } },
});
const COMFY_WORKFLOW = JSON.stringify({ nodes: [{ id: 4, type: "CheckpointLoaderSimple", widgets_values: ["juggernautXL_v9.safetensors"] }], links: [] });
const DST = "http://cv.iptc.org/newscodes/digitalsourcetype/";
const NS = {
  Iptc4xmpExt: "http://iptc.org/std/Iptc4xmpExt/2008-02-29/",
  xmp: "http://ns.adobe.com/xap/1.0/",
  photoshop: "http://ns.adobe.com/photoshop/1.0/",
  dc: "http://purl.org/dc/elements/1.1/",
  xmpNote: "http://ns.adobe.com/xmp/note/",
};

describe("metadata signal: generator metadata is decisive and names the generator", () => {
  it.each([
    {
      name: "A1111 parameters (PNG tEXt)",
      make: () => png([["tEXt", "parameters", A1111]]),
      code: "a1111_parameters",
      generator: "sd_xl_base_1.0 (AUTOMATIC1111 Stable Diffusion WebUI)",
    },
    {
      name: "Forge parameters (PNG iTXt)",
      make: () => png([["iTXt", "parameters", A1111.replace("Version: v1.9.4", "Version: f2.0.1v1.10.1-previous-313")]]),
      code: "a1111_parameters",
      generator: "sd_xl_base_1.0 (Stable Diffusion WebUI Forge)",
    },
    {
      name: "A1111 parameters in JPEG EXIF UserComment (UTF-16)",
      make: () => jpeg([exifSegment(buildTiff({ exif: { 0x9286: unicodeUserComment(A1111) } }))]),
      code: "a1111_parameters",
      generator: "sd_xl_base_1.0 (AUTOMATIC1111 Stable Diffusion WebUI)",
    },
    {
      name: "A1111 parameters in a JPEG COM segment",
      make: () => jpeg([comSegment(A1111)]),
      code: "a1111_parameters",
      generator: "sd_xl_base_1.0 (AUTOMATIC1111 Stable Diffusion WebUI)",
    },
    {
      name: "ComfyUI prompt + workflow (tEXt, zTXt)",
      make: () => png([["tEXt", "prompt", COMFY_PROMPT], ["zTXt", "workflow", COMFY_WORKFLOW]]),
      code: "comfyui_workflow",
      generator: "flux1-dev-fp8.safetensors (ComfyUI)",
    },
    {
      name: "ComfyUI workflow only (compressed iTXt)",
      make: () => png([["iTXt-compressed", "workflow", COMFY_WORKFLOW]]),
      code: "comfyui_workflow",
      generator: "juggernautXL_v9.safetensors (ComfyUI)",
    },
    {
      name: "InvokeAI invokeai_metadata",
      make: () => png([["tEXt", "invokeai_metadata", JSON.stringify({ positive_prompt: "a cat", model: { name: "Juggernaut XL v9", base: "sdxl" } })]]),
      code: "invokeai_metadata",
      generator: "Juggernaut XL v9 (InvokeAI)",
    },
    {
      name: "InvokeAI 2.x sd-metadata",
      make: () => png([["tEXt", "sd-metadata", JSON.stringify({ model_weights: "stable-diffusion-1.5", image: { prompt: "a cat" } })]]),
      code: "invokeai_metadata",
      generator: "stable-diffusion-1.5 (InvokeAI)",
    },
    {
      name: "InvokeAI 1.x Dream",
      make: () => png([["tEXt", "Dream", '"a cat" -s 50 -S 42 -W 512 -H 512 -C 7.5 -A k_lms']]),
      code: "invokeai_metadata",
      generator: "InvokeAI",
    },
    {
      name: "NovelAI Software + Source + Comment",
      make: () =>
        png([
          ["tEXt", "Software", "NovelAI"],
          ["tEXt", "Source", "NovelAI Diffusion V4.5 4BDE2A90"],
          ["tEXt", "Comment", JSON.stringify({ prompt: "a cat", steps: 28, sampler: "k_euler_ancestral", uc: "lowres" })],
        ]),
      code: "novelai_metadata",
      generator: "NovelAI Diffusion V4.5 4BDE2A90 (NovelAI)",
    },
    {
      name: "SwarmUI sui_image_params",
      make: () => png([["tEXt", "parameters", JSON.stringify({ sui_image_params: { prompt: "a cat", model: "OfficialStableDiffusion/sd3.5_large" } })]]),
      code: "swarmui_parameters",
      generator: "OfficialStableDiffusion/sd3.5_large (SwarmUI)",
    },
    {
      name: "Midjourney job id in XMP description",
      make: () =>
        jpeg([
          xmpSegment(
            xmpPacket({ dc: NS.dc }, {}, "<dc:description><rdf:Alt><rdf:li xml:lang=\"x-default\">a cat in a hat --ar 3:2 --v 6.1 Job ID: 0b6f7c2e-1a2b-4c3d-8e9f-0123456789ab</rdf:li></rdf:Alt></dc:description>"),
          ),
        ]),
      code: "midjourney_job",
      generator: "v6.1 (Midjourney)",
    },
    {
      name: "Midjourney job id in IPTC caption",
      make: () => jpeg([iptcSegment([{ dataset: 120, value: "a cat Job ID: 0b6f7c2e-1a2b-4c3d-8e9f-0123456789ab" }])]),
      code: "midjourney_job",
      generator: "Midjourney",
    },
    {
      name: "Made with Google AI credit",
      make: () => jpeg([xmpSegment(xmpPacket({ photoshop: NS.photoshop }, { "photoshop:Credit": "Made with Google AI" }))]),
      code: "google_ai_credit",
      generator: "Google AI (Imagen / Gemini)",
    },
    {
      name: "XMP DigitalSourceType + CreatorTool",
      make: () =>
        jpeg([
          xmpSegment(
            xmpPacket(
              { Iptc4xmpExt: NS.Iptc4xmpExt, xmp: NS.xmp },
              { "Iptc4xmpExt:DigitalSourceType": `${DST}trainedAlgorithmicMedia`, "xmp:CreatorTool": "Adobe Firefly Image 3" },
            ),
          ),
        ]),
      code: "iptc_ai_source_type",
      generator: "Adobe Firefly",
    },
  ])("$name", async ({ make, code, generator }) => {
    const out = await run(await make());
    expect(codes(out)).toContain(code);
    expect(out.score).toBeGreaterThanOrEqual(0.9);
    expect(out.details?.provenance).toMatchObject({ decisive: true, direction: "ai", source: "metadata", generator });
    expect(out.summary).toContain(generator);
  });

  it("XMP DigitalSourceType alone (written by sharp) decides without naming a generator", async () => {
    const xmp = xmpPacket({ Iptc4xmpExt: NS.Iptc4xmpExt }, { "Iptc4xmpExt:DigitalSourceType": `${DST}compositeWithTrainedAlgorithmicMedia` });
    const bytes = await sharp(await makeJpeg({ width: 64, height: 48 })).withXmp(xmp).jpeg().toBuffer();
    const out = await run(bytes);
    expect(codes(out)).toEqual(["iptc_ai_source_type"]);
    expect(out.details?.provenance).toMatchObject({ decisive: true, generator: null, confidence: 0.95 });
    expect(out.summary).toContain("partly generated");
  });

  it.each([
    ["PNG (iTXt XML:com.adobe.xmp)", (x: ReturnType<typeof sharp>) => x.png()],
    ["WebP (XMP chunk, read through libvips)", (x: ReturnType<typeof sharp>) => x.webp()],
    ["TIFF (XMP tag, read through libvips)", (x: ReturnType<typeof sharp>) => x.tiff()],
  ])("reads XMP DigitalSourceType from %s", async (_, encode) => {
    const xmp = xmpPacket({ Iptc4xmpExt: NS.Iptc4xmpExt }, { "Iptc4xmpExt:DigitalSourceType": `${DST}trainedAlgorithmicMedia` });
    const bytes = await encode(sharp(await makePng({ width: 48, height: 32 })).withXmp(xmp)).toBuffer();
    const out = await run(bytes);
    expect(codes(out)).toEqual(["iptc_ai_source_type"]);
    expect(out.details?.provenance).toMatchObject({ decisive: true, direction: "ai" });
  });

  it("reads DigitalSourceType from extended XMP", async () => {
    const extended = xmpPacket({ Iptc4xmpExt: NS.Iptc4xmpExt }, { "Iptc4xmpExt:DigitalSourceType": `${DST}trainedAlgorithmicMedia` }, "x".repeat(50_000));
    const main = (guid: string) => xmpPacket({ xmpNote: NS.xmpNote }, { "xmpNote:HasExtendedXMP": guid });
    const out = await run(await jpeg(extendedXmpSegments(main, extended, 20_000)));
    expect(codes(out)).toEqual(["iptc_ai_source_type"]);
    expect(out.details?.containers).toContain("xmp-extended");
  });

  it("ComfyUI graphs in EXIF Make/Model of a WebP (ComfyUI's WebP saver)", async () => {
    const bytes = await sharp(await makePng({ width: 48, height: 32 }))
      .withExif({ IFD0: { Make: `Workflow:${COMFY_WORKFLOW}`, Model: `Prompt:${COMFY_PROMPT}` } })
      .webp({ lossless: true })
      .toBuffer();
    const out = await run(bytes);
    expect(codes(out)).toEqual(["comfyui_workflow"]);
    expect(out.details?.provenance).toMatchObject({ generator: "flux1-dev-fp8.safetensors (ComfyUI)" });
  });

  it("a generator named in EXIF Software (sharp withExif) decides at lower confidence", async () => {
    const bytes = await sharp(await makeJpeg({ width: 64, height: 48 })).withExif({ IFD0: { Software: "DALL-E 3" } }).jpeg().toBuffer();
    const out = await run(bytes);
    expect(codes(out)).toEqual(["generator_software"]);
    expect(out.details?.provenance).toMatchObject({ decisive: true, generator: "DALL·E (OpenAI)", confidence: 0.9 });
  });

  it("reads EXIF from an ImageMagick \"Raw profile type exif\" PNG chunk", async () => {
    const tiff = buildTiff({ exif: { 0x9286: unicodeUserComment(A1111) } });
    const exif = Buffer.concat([Buffer.from("Exif\0\0", "latin1"), tiff]);
    const hex = exif.toString("hex").replace(/(.{72})/g, "$1\n");
    const out = await run(await png([["zTXt", "Raw profile type exif", `\nexif\n${String(exif.length).padStart(8)}\n${hex}\n`]]));
    expect(codes(out)).toEqual(["a1111_parameters"]);
    expect(out.details?.containers).toContain("exif");
  });

  it("a generator mentioned in a caption is not a claim", async () => {
    const out = await run(await jpeg([iptcSegment([{ dataset: 120, value: "Midjourney vs Stable Diffusion: a comparison" }])]));
    expect(out.details?.provenance).toBeUndefined();
    expect(out.score).toBeNull();
  });
});

describe("metadata signal: camera evidence leans authentic, never decides", () => {
  const CAMERA: TiffEntries = {
    0x010f: { type: "ascii", value: "Canon" },
    0x0110: { type: "ascii", value: "Canon EOS R5" },
  };
  const EXPOSURE: TiffEntries = {
    0x829a: { type: "rational", value: [[1, 250]] },
    0x829d: { type: "rational", value: [[28, 10]] },
    0x8827: { type: "short", value: [400] },
    0x9003: { type: "ascii", value: "2024:05:01 10:20:30" },
    0xa434: { type: "ascii", value: "RF24-105mm F4 L IS USM" },
  };
  const GPS: TiffEntries = {
    0x0001: { type: "ascii", value: "N" },
    0x0002: { type: "rational", value: [[48, 1], [51, 1], [30, 1]] },
    0x0003: { type: "ascii", value: "E" },
    0x0004: { type: "rational", value: [[2, 1], [21, 1], [0, 1]] },
  };
  const thumbOf = (bytes: Buffer) => sharp(bytes).resize(160, 120, { fit: "fill" }).jpeg({ quality: 70 }).toBuffer();

  it("full camera EXIF with a matching thumbnail", async () => {
    const base = await makeJpeg({ width: 320, height: 240, seed: 8 });
    const tiff = buildTiff({ ifd0: CAMERA, exif: EXPOSURE, gps: GPS, thumbnail: await thumbOf(base) });
    const out = await run(insertJpegSegments(base, [exifSegment(tiff)]));
    expect(codes(out)).toEqual(["camera_make_model", "exposure_settings", "lens_info", "gps_location", "capture_time", "thumbnail_consistent"]);
    expect(out.score).toBeGreaterThanOrEqual(0.25);
    expect(out.score).toBeLessThan(0.35);
    expect(out.details?.provenance).toBeUndefined();
    expect(out.summary).toContain("Canon EOS R5");
  });

  it("a thumbnail of different pixels halves the lean", async () => {
    const base = await makeJpeg({ width: 320, height: 240, seed: 8 });
    // The thumbnail shows the frame upside down: the pixels were replaced after capture.
    const other = await thumbOf(await sharp(base).flip().toBuffer());
    const tiff = buildTiff({ ifd0: CAMERA, exif: EXPOSURE, thumbnail: other });
    const out = await run(insertJpegSegments(base, [exifSegment(tiff)]));
    expect(codes(out)).toContain("thumbnail_mismatch");
    expect(codes(out)).not.toContain("thumbnail_consistent");
    // make/model 0.08 + exposure 0.06 + lens 0.03 + time 0.02 = 0.19, halved.
    expect(out.score).toBe(Math.round((0.5 - 0.19 / 2) * 100) / 100);
  });

  it("a crop that kept the capture's thumbnail and EXIF size is recognised as a crop", async () => {
    const full = await makeJpeg({ width: 640, height: 480, seed: 21 });
    const crop = await sharp(full).extract({ left: 200, top: 120, width: 320, height: 240 }).jpeg({ quality: 92 }).toBuffer();
    const size: TiffEntries = { 0xa002: { type: "long", value: [640] }, 0xa003: { type: "long", value: [480] } };
    const tiff = buildTiff({ ifd0: CAMERA, exif: { ...EXPOSURE, ...size }, thumbnail: await thumbOf(full) });
    const out = await run(insertJpegSegments(crop, [exifSegment(tiff)]));
    expect(codes(out)).toContain("thumbnail_cropped");
    expect(codes(out)).not.toContain("thumbnail_mismatch");
    expect(out.score).toBeCloseTo(0.5 - 0.19, 2);
  });

  it("make and model only (sharp withExif) lean a little", async () => {
    const bytes = await sharp(await makeJpeg({ width: 64, height: 48 })).withExif({ IFD0: { Make: "Sony", Model: "ILCE-7M4" } }).jpeg().toBuffer();
    const out = await run(bytes);
    expect(codes(out)).toEqual(["camera_make_model"]);
    expect(out.score).toBe(0.42);
  });

  it("generator metadata wins over copied camera EXIF", async () => {
    const tiff = buildTiff({ ifd0: CAMERA, exif: { ...EXPOSURE, 0x9286: unicodeUserComment(A1111) } });
    const out = await run(await jpeg([exifSegment(tiff)]));
    expect(out.details?.provenance).toMatchObject({ decisive: true, direction: "ai" });
  });
});

describe("metadata signal: nothing to go on", () => {
  it("no metadata at all: null score, says why", async () => {
    const out = await run(await makePng({ width: 32, height: 32 }));
    expect(codes(out)).toEqual(["metadata_absent"]);
    expect(out.score).toBeNull();
    expect(out.summary).toMatch(/stripped metadata is common/);
  });

  it("mentions an embedded C2PA manifest (JPEG APP11 JUMBF) without judging it", async () => {
    const app11 = Buffer.from([0xff, 0xeb, 0x00, 0x06, 0x4a, 0x50, 0x00, 0x00]);
    const out = await run(await jpeg([app11]));
    expect(codes(out)).toEqual(["metadata_absent"]);
    expect(out.details?.c2paManifestPresent).toBe(true);
    expect(out.summary).toContain("C2PA manifest");
  });

  it("metadata without provenance: null score", async () => {
    const out = await run(await png([["tEXt", "Title", "Holiday"]]));
    expect(codes(out)).toEqual(["no_provenance_metadata"]);
    expect(out.score).toBeNull();
  });

  it("reports damaged chunks but still reads them", async () => {
    const chunk = pngTextChunk("tEXt", "parameters", A1111);
    chunk[chunk.length - 1] = chunk[chunk.length - 1]! ^ 0xff;
    const p = insertPngChunks(await makePng({ width: 32, height: 32 }), [chunk]);
    const out = await run(p);
    expect(codes(out)).toEqual(["a1111_parameters", "metadata_damaged"]);
  });
});
