import { describe, expect, it } from "vitest";
import { attributionDto, snakeKeys } from "./dto";

describe("result shapes in snake_case", () => {
  it("attribution", () => {
    expect(attributionDto({ mostLikely: "SDXL", confidence: 0.6, source: "model", alternatives: [{ name: "Midjourney", confidence: 0.2 }] })).toEqual({
      most_likely: "SDXL",
      confidence: 0.6,
      source: "model",
      alternatives: [{ name: "Midjourney", confidence: 0.2 }],
    });
  });

  it("signal details: camelCase field names renamed at every depth, data keys and values kept", () => {
    const details = { medianError: 1.5, signer: { commonName: "CA", time: null }, actions: [{ softwareAgent: "x", action: "c2pa.created" }], tags: { Software: "GIMP", "exif:DateTime": "2024" }, state: "valid" };
    expect(snakeKeys(details)).toEqual({
      median_error: 1.5,
      signer: { common_name: "CA", time: null },
      actions: [{ software_agent: "x", action: "c2pa.created" }],
      tags: { Software: "GIMP", "exif:DateTime": "2024" },
      state: "valid",
    });
  });
});
