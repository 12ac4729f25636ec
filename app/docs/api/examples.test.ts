// The docs page shows one example per documented operation, and its TypeScript examples call only
// methods the client has.
import { describe, expect, it } from "vitest";
import { OPENAPI_DOCUMENT } from "@/lib/api/openapi";
import { createLoupeClient } from "@/lib/client";
import { EXAMPLES } from "./examples";

const operations = Object.entries(OPENAPI_DOCUMENT.paths as Record<string, Record<string, unknown>>)
  .filter(([, item]) => !item["x-loupe-catch-all"])
  .flatMap(([path, item]) => Object.keys(item).filter((k) => !k.startsWith("x-")).map((m) => `${m.toUpperCase()} ${path}`));

describe("API docs examples", () => {
  it("cover every documented operation once, and nothing else", () => {
    expect(EXAMPLES.map((e) => e.operation).sort()).toEqual([...operations].sort());
  });

  it("call only client methods that exist", () => {
    const methods = new Set(Object.keys(createLoupeClient({ baseUrl: "http://x", apiKey: "k" })));
    const called = EXAMPLES.flatMap((e) => [...e.ts.matchAll(/loupe\.(\w+)\(/g)].map((m) => m[1]!));
    expect(called.length).toBeGreaterThan(10);
    expect(called.filter((m) => !methods.has(m))).toEqual([]);
  });
});
