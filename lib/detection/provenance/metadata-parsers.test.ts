import { describe, expect, it } from "vitest";
import { iptcSegment } from "../testing/provenance-exif";
import { parseA1111 } from "./generator-metadata";
import { matchGenerator } from "./generators";
import { parseIptc } from "./iptc";
import { decodeUserComment } from "./metadata-collect";
import { xmpValues } from "./xmp";

describe("parseA1111", () => {
  it("parses the settings line, keeping quoted values with commas", () => {
    const p = parseA1111('cat\nNegative prompt: dog\nSteps: 20, Sampler: Euler a, Lora hashes: "x: 1, y: 2", Model: dreamshaper_8, Version: v1.10.1');
    expect(p).toMatchObject({ Steps: "20", Sampler: "Euler a", "Lora hashes": "x: 1, y: 2", Model: "dreamshaper_8", Version: "v1.10.1" });
  });

  it("rejects prose that merely starts with Steps", () => {
    expect(parseA1111("Steps: climb them slowly")).toBeNull();
    expect(parseA1111("a photo of stairs")).toBeNull();
  });
});

describe("xmpValues", () => {
  const packet =
    '<rdf:Description xmlns:a="urn:a" a:CreatorTool="Tool &amp; Co"><b:description><rdf:Alt><rdf:li xml:lang="x-default">first</rdf:li><rdf:li>second</rdf:li></rdf:Alt></b:description><c:Credit>Made with Google AI</c:Credit></rdf:Description>';
  it.each([
    ["CreatorTool", ["Tool & Co"]],
    ["description", ["first", "second"]],
    ["Credit", ["Made with Google AI"]],
    ["Missing", []],
  ])("%s", (name, values) => {
    expect(xmpValues([packet], name)).toEqual(values);
  });
});

describe("parseIptc", () => {
  it("reads record 2 datasets from a Photoshop 3.0 resource block", () => {
    const seg = iptcSegment([
      { dataset: 120, value: "caption é" },
      { dataset: 65, value: "Midjourney" },
    ]);
    // Drop the APP13 marker and length.
    expect(parseIptc(seg.subarray(4))).toEqual([
      { dataset: 120, name: "Caption-Abstract", value: "caption é" },
      { dataset: 65, name: "OriginatingProgram", value: "Midjourney" },
    ]);
  });

  it("ignores garbage", () => {
    expect(parseIptc(Buffer.from("nothing here"))).toEqual([]);
  });
});

describe("decodeUserComment", () => {
  it.each([
    ["UNICODE big endian", Buffer.concat([Buffer.from("UNICODE\0"), Buffer.from([0, 0x53, 0, 0x74, 0, 0x65, 0, 0x70])]), "Step"],
    ["UNICODE little endian", Buffer.concat([Buffer.from("UNICODE\0"), Buffer.from("Step", "utf16le")]), "Step"],
    ["ASCII", Buffer.concat([Buffer.from("ASCII\0\0\0"), Buffer.from("Steps: 20\0")]), "Steps: 20"],
    ["empty", Buffer.from("ASCII\0\0\0"), null],
  ])("%s", (_, raw, text) => {
    expect(decodeUserComment(raw)).toBe(text);
  });
});

describe("matchGenerator", () => {
  it.each([
    ["DALL·E 3", "DALL·E (OpenAI)"],
    ["Adobe Firefly", "Adobe Firefly"],
    ["Google Imagen 3", "Google Imagen"],
    ["ComfyUI", "ComfyUI"],
    ["Adobe Photoshop 25.0", null],
    ["Canon EOS R5 Firmware 1.8", null],
  ])("%s → %s", (value, name) => {
    expect(matchGenerator(value)).toBe(name);
  });
});
