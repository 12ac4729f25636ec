// One conformance test over every registered signal (CONTRIBUTING.md, "Tests"): unique id, declared flags only,
// schema-valid output, deterministic on the same input, score in [0, 1] or null.
import { beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { decodeImage } from "../decode";
import type { DecodedImage } from "../signal";
import { makeJpeg, makePng, makeWebp } from "../testing/fixtures";
import { signals } from "./index";

const flagDirection = z.enum(["ai", "authentic", "neutral"]);
const definitionSchema = z.object({
  id: z.string().regex(/^[a-z][a-z0-9_]*$/),
  version: z.string().regex(/^\d+\.\d+\.\d+/),
  title: z.string().min(3),
  messages: z.record(z.string().regex(/^[a-z][a-z0-9_]*$/), z.object({ message: z.string().min(5), direction: flagDirection })),
});
const outputSchema = z.object({
  score: z.number().min(0).max(1).nullable(),
  flags: z.array(z.object({ code: z.string(), detail: z.string().optional() })),
  summary: z.string().min(3),
  heatmap: z.object({ png: z.instanceof(Buffer), label: z.string().min(3) }).optional(),
  details: z.record(z.string(), z.unknown()).optional(),
  notApplicable: z.boolean().optional(),
});

/** JSON round-trip must not change details (no NaN, Infinity, functions, Buffers). */
function jsonStable(v: unknown): boolean {
  return JSON.stringify(JSON.parse(JSON.stringify(v ?? null))) === JSON.stringify(v ?? null) && !/NaN|Infinity/.test(JSON.stringify(v ?? null) ?? "");
}

const images: Record<string, DecodedImage> = {};

beforeAll(async () => {
  const inputs = {
    jpeg: await makeJpeg({ width: 320, height: 256, seed: 11 }),
    png: await makePng({ width: 300, height: 280, seed: 12 }),
    webp: await makeWebp({ width: 64, height: 48, seed: 13 }),
  };
  for (const [name, bytes] of Object.entries(inputs)) {
    const d = await decodeImage(bytes);
    if (!d.ok) throw new Error(d.error.message);
    images[name] = d.value;
  }
});

describe("signal registry", () => {
  it("has unique ids", () => {
    const ids = signals.map((s) => s.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBeGreaterThanOrEqual(4);
  });
});

describe.each(signals.map((s) => [s.id, s] as const))("signal %s", (_id, signal) => {
  it("has a valid definition", () => {
    expect(definitionSchema.safeParse(signal).success).toBe(true);
  });

  it.each(["jpeg", "png", "webp"])("on a %s: schema-valid, declared flags, deterministic", async (name) => {
    const image = images[name]!;
    const a = await signal.run(image, { heatmaps: true });
    const b = await signal.run(image, { heatmaps: true });
    const parsed = outputSchema.safeParse(a);
    expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
    for (const f of a.flags) expect(Object.keys(signal.messages)).toContain(f.code);
    expect(jsonStable(a.details)).toBe(true);
    expect(b.score).toBe(a.score);
    expect(b.flags).toEqual(a.flags);
    expect(b.summary).toBe(a.summary);
    expect(JSON.stringify(b.details)).toBe(JSON.stringify(a.details));
    if (a.heatmap) {
      expect(a.heatmap.png.subarray(0, 4).toString("latin1")).toBe("\x89PNG");
      expect(b.heatmap?.png.equals(a.heatmap.png)).toBe(true);
    }
    const quiet = await signal.run(image, { heatmaps: false });
    expect(quiet.heatmap).toBeUndefined();
    expect(quiet.score).toBe(a.score);
  });
});
