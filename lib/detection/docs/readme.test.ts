import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { flagsMarkdown } from "./flags-markdown";

describe("lib/detection/README.md", () => {
  it("lists exactly the registry's signals, versions and flag messages", () => {
    const readme = readFileSync(path.join(import.meta.dirname, "..", "README.md"), "utf8");
    const start = readme.indexOf("## Flags (generated from the registry)\n");
    const end = readme.indexOf("\n## ", start + 1);
    expect(start).toBeGreaterThan(-1);
    expect(readme.slice(start, end).split("\n").slice(1).join("\n").trim()).toBe(flagsMarkdown());
  });
});
