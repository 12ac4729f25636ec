// The dwtDct scheme's constants and the payloads generators publish (see index.ts for the scheme).

export const DWTDCT_SCALE = 36;
export const DWTDCT_BLOCK = 4;

export type PixelDomain = "uint8" | "float";
/** "bgr": the embedder converted RGB→BGR first (correct use); "rgb": it passed RGB as if BGR. */
export type ChannelOrder = "bgr" | "rgb";

export interface KnownWatermark {
  id: string;
  generator: string;
  bits: number[];
}

function bitsOfBytes(bytes: Buffer): number[] {
  const out: number[] = [];
  for (const b of bytes) for (let k = 7; k >= 0; k--) out.push((b >> k) & 1);
  return out;
}

/** Payloads published in the generators' source code. */
export const KNOWN_WATERMARKS: KnownWatermark[] = [
  {
    // diffusers/pipelines/stable_diffusion_xl/watermark.py: WATERMARK_MESSAGE = 0b1011001111101100…
    // (the 48-bit value 0xB3EC907BB19E), embedded with set_watermark("bits", …).
    id: "sdxl",
    generator: "Stable Diffusion XL (diffusers)",
    bits: bitsOfBytes(Buffer.from("B3EC907BB19E", "hex")),
  },
  {
    // CompVis/stable-diffusion scripts/txt2img.py: wm = "StableDiffusionV1" (17 bytes = 136 bits).
    id: "sd1",
    generator: "Stable Diffusion v1 (reference scripts)",
    bits: bitsOfBytes(Buffer.from("StableDiffusionV1", "utf8")),
  },
  {
    // Stability-AI/stablediffusion scripts/txt2img.py: wm = "SDV2".
    id: "sd2",
    generator: "Stable Diffusion 2 (reference scripts)",
    bits: bitsOfBytes(Buffer.from("SDV2", "utf8")),
  },
  {
    // invokeai/backend/image_util/invisible_watermark.py: default watermark text "InvokeAI".
    id: "invokeai",
    generator: "InvokeAI",
    bits: bitsOfBytes(Buffer.from("InvokeAI", "utf8")),
  },
];

/** The four ways an embedder may have produced the U plane (see the header comment). */
export const VARIANTS: readonly { domain: PixelDomain; order: ChannelOrder }[] = [
  { domain: "uint8", order: "bgr" },
  { domain: "uint8", order: "rgb" },
  { domain: "float", order: "bgr" },
  { domain: "float", order: "rgb" },
];
