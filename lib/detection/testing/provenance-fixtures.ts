// Fixture builders for the provenance signals' tests (metadata, c2pa, watermark). Every fixture is
// made here from sharp-synthesised pixels; no third-party image enters the repository.
import { deflateSync } from "node:zlib";
import sharp from "sharp";
import { decodeImage } from "../decode";
import { encodePngChunk, isPng } from "../formats/png-chunks";
import { makePixels, rng } from "./fixtures";
import type { DecodedImage, RawImage } from "../signal";

/** Deterministic photo-ish RGB pixels (the engine's seeded fixture generator). */
export function syntheticRgb(width: number, height: number, seed = 1): RawImage {
  const p = makePixels({ width, height, seed, channels: 3 });
  return { data: p.data, width: p.width, height: p.height, channels: 3 };
}

/**
 * Colourful textured pixels for watermark tests. The dwtDct scheme only holds where chroma (U) varies
 * from block to block: on near-grey content the reference encoder moves the carrier coefficient
 * below its neighbours and the mark is lost at embedding time, whatever the decoder does.
 */
export function chromaTexturedRgb(width: number, height: number, seed = 1): RawImage {
  const next = rng(seed);
  const data = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      data[i] = Math.round((x / width) * 180 + next() * 60);
      data[i + 1] = Math.round((y / height) * 160 + 20 + next() * 60);
      data[i + 2] = Math.round(((x + y) / (width + height)) * 150 + 40 + next() * 60);
    }
  }
  return { data, width, height, channels: 3 };
}

export function rawToSharp(raw: RawImage): ReturnType<typeof sharp> {
  return sharp(raw.data, { raw: { width: raw.width, height: raw.height, channels: raw.channels } });
}

export async function encodePng(raw: RawImage): Promise<Buffer> {
  return rawToSharp(raw).png().toBuffer();
}

export type PngTextKind = "tEXt" | "zTXt" | "iTXt" | "iTXt-compressed";

/** Build the data of a textual chunk and return the complete chunk bytes. */
export function pngTextChunk(kind: PngTextKind, keyword: string, text: string): Buffer {
  const key = Buffer.from(keyword, "latin1");
  if (kind === "tEXt") return encodePngChunk("tEXt", Buffer.concat([key, Buffer.from([0]), Buffer.from(text, "latin1")]));
  if (kind === "zTXt") {
    return encodePngChunk("zTXt", Buffer.concat([key, Buffer.from([0, 0]), deflateSync(Buffer.from(text, "latin1"))]));
  }
  const compressed = kind === "iTXt-compressed";
  const body = compressed ? deflateSync(Buffer.from(text, "utf8")) : Buffer.from(text, "utf8");
  // keyword NUL, compression flag, method, empty language tag NUL, empty translated keyword NUL.
  return encodePngChunk("iTXt", Buffer.concat([key, Buffer.from([0, compressed ? 1 : 0, 0, 0, 0]), body]));
}

/** Insert raw chunks right after IHDR (where generators put their text). */
export function insertPngChunks(png: Buffer, chunks: Buffer[]): Buffer {
  if (!isPng(png)) throw new Error("not a PNG");
  const ihdrEnd = 8 + 12 + png.readUInt32BE(8);
  return Buffer.concat([png.subarray(0, ihdrEnd), ...chunks, png.subarray(ihdrEnd)]);
}

/** The engine's own decode, unwrapped: tests exercise signals on exactly what the runner passes. */
export async function decoded(bytes: Buffer): Promise<DecodedImage> {
  const r = await decodeImage(bytes);
  if (!r.ok) throw new Error(`fixture failed to decode: ${r.error.code} ${r.error.message}`);
  return r.value;
}

/** A PNG as a Stable Diffusion web UI saves it: its generation parameters in a tEXt chunk (the metadata signal's decisive AI evidence). */
export async function makeGeneratorPng(opts: { width: number; height: number; seed: number }): Promise<Buffer> {
  const text = "a harbour at dusk\nSteps: 20, Sampler: Euler a, CFG scale: 7, Seed: 1, Size: 512x512, Model: sd_xl_base_1.0";
  return insertPngChunks(await encodePng(syntheticRgb(opts.width, opts.height, opts.seed)), [pngTextChunk("tEXt", "parameters", text)]);
}
