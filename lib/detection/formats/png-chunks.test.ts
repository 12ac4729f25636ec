import { deflateSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { encodePng, insertPngChunks, pngTextChunk, syntheticRgb } from "../testing/provenance-fixtures";
import { crc32, encodePngChunk, walkPng } from "./png-chunks";

const base = () => encodePng(syntheticRgb(32, 24, 1));

describe("walkPng", () => {
  it("returns null for non-PNG bytes", () => {
    expect(walkPng(Buffer.from("GIF89a........"))).toBeNull();
  });

  it("walks a plain PNG to IEND", async () => {
    const walk = walkPng(await base())!;
    expect(walk.chunks[0]?.type).toBe("IHDR");
    expect(walk.chunks.at(-1)?.type).toBe("IEND");
    expect(walk).toMatchObject({ truncated: false, badCrc: [], trailingBytes: 0, text: [], exif: null });
  });

  it.each([
    { kind: "tEXt", text: "Steps: 20, Sampler: Euler a" },
    { kind: "zTXt", text: "Steps: 20, Sampler: Euler a" },
    { kind: "iTXt", text: "{\"3\": {\"class_type\": \"KSampler\"}} — ünïcode" },
    { kind: "iTXt-compressed", text: "{\"3\": {\"class_type\": \"KSampler\"}} — ünïcode" },
  ] as const)("decodes $kind", async ({ kind, text }) => {
    const png = insertPngChunks(await base(), [pngTextChunk(kind, "parameters", text)]);
    const [entry] = walkPng(png)!.text;
    expect(entry).toMatchObject({
      chunk: kind.startsWith("iTXt") ? "iTXt" : kind,
      keyword: "parameters",
      text,
      compressed: kind === "zTXt" || kind === "iTXt-compressed",
      crcOk: true,
    });
  });

  it("tolerates a bad CRC: keeps the text and reports the chunk", async () => {
    const chunk = pngTextChunk("tEXt", "prompt", "{}");
    chunk.writeUInt32BE((chunk.readUInt32BE(chunk.length - 4) ^ 1) >>> 0, chunk.length - 4);
    const walk = walkPng(insertPngChunks(await base(), [chunk]))!;
    expect(walk.badCrc).toEqual(["tEXt"]);
    expect(walk.text[0]).toMatchObject({ keyword: "prompt", text: "{}", crcOk: false });
  });

  it("reports corrupt compressed text instead of throwing", async () => {
    const bad = encodePngChunk("zTXt", Buffer.concat([Buffer.from("Comment\0\0", "latin1"), Buffer.from([1, 2, 3, 4])]));
    const [entry] = walkPng(insertPngChunks(await base(), [bad]))!.text;
    expect(entry?.text).toBe("");
    expect(entry?.error).toBeTruthy();
  });

  it("caps inflation per chunk and per file (zip bombs)", async () => {
    const bomb = encodePngChunk(
      "zTXt",
      Buffer.concat([Buffer.from("Comment\0\0", "latin1"), deflateSync(Buffer.alloc(16 * 1024 * 1024, 0x41))]),
    );
    const oversized = encodePngChunk(
      "zTXt",
      Buffer.concat([Buffer.from("Comment\0\0", "latin1"), deflateSync(Buffer.alloc(17 * 1024 * 1024, 0x41))]),
    );
    const walk = walkPng(insertPngChunks(await base(), [oversized, bomb, bomb, bomb, bomb, bomb]))!;
    expect(walk.text.map((t) => (t.error ? "error" : t.text.length))).toEqual([
      "error",
      16 * 1024 * 1024,
      16 * 1024 * 1024,
      16 * 1024 * 1024,
      16 * 1024 * 1024,
      "error",
    ]);
  });

  it("returns eXIf payloads and counts bytes after IEND", async () => {
    const tiff = Buffer.from("4d4d002a00000008", "hex");
    const png = Buffer.concat([insertPngChunks(await base(), [encodePngChunk("eXIf", tiff)]), Buffer.from("trailer")]);
    const walk = walkPng(png)!;
    expect(walk.exif?.equals(tiff)).toBe(true);
    expect(walk.trailingBytes).toBe(7);
  });

  it("marks a truncated file", async () => {
    const png = insertPngChunks(await base(), [pngTextChunk("zTXt", "Comment", "x".repeat(1000))]);
    expect(walkPng(png.subarray(0, png.length - 20))!.truncated).toBe(true);
  });

  it("computes the PNG CRC-32 (IEND's well-known CRC)", () => {
    expect(crc32(Buffer.from("IEND", "latin1"))).toBe(0xae426082);
  });
});
