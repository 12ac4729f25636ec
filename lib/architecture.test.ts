// Module boundaries, checked over every source file: the engine is used only through its index, and
// no library module imports a command-line tool.
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(".");
const DIRS = ["app", "components", "db", "e2e", "lib"];
const ENGINE = path.join(ROOT, "lib/detection");

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) return sources(p);
    return /\.(ts|tsx|mts|mjs)$/.test(name) ? [p] : [];
  });
}

/** Every module a file imports (static, dynamic and re-exports), resolved to an absolute path without extension. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const specs = [...text.matchAll(/(?:from\s+|import\s*\(\s*|import\s+)["']([^"']+)["']/g)].map((m) => m[1]!);
  return specs
    .filter((s) => s.startsWith(".") || s.startsWith("@/"))
    .map((s) => (s.startsWith("@/") ? path.join(ROOT, s.slice(2)) : path.resolve(path.dirname(file), s)).replace(/\.(ts|tsx|mjs|js)$/, "").replace(/\/index$/, ""));
}

const isTest = (f: string) => /\.test\.tsx?$/.test(f) || f.startsWith(path.join(ROOT, "e2e") + path.sep);
const rel = (p: string) => path.relative(ROOT, p);
const files = DIRS.flatMap((d) => sources(path.join(ROOT, d)));

/** The violations of the engine boundary in a list of (file, import) pairs. */
export function engineBoundaryViolations(pairs: [file: string, target: string][]): string[] {
  return pairs
    .filter(([file, target]) => !file.startsWith(ENGINE + path.sep) && (target === ENGINE || target.startsWith(ENGINE + path.sep)))
    .filter(([file, target]) => target !== ENGINE && !(isTest(file) && target === path.join(ENGINE, "testing")))
    .map(([file, target]) => `${rel(file)} → ${rel(target)}`);
}

/** Library modules that import a cli/ folder other than their own. */
export function cliImportViolations(pairs: [file: string, target: string][]): string[] {
  return pairs
    .filter(([file]) => file.startsWith(path.join(ROOT, "lib") + path.sep) && !isTest(file))
    .filter(([file, target]) => /\/cli(\/|$)/.test(rel(target)) && path.dirname(file) !== path.dirname(target))
    .map(([file, target]) => `${rel(file)} → ${rel(target)}`);
}

describe("module boundaries", () => {
  const pairs = files.flatMap((f) => importsOf(f).map((t) => [f, t] as [string, string]));

  it("reads every source file's imports", () => {
    expect(files.length).toBeGreaterThan(100);
    expect(pairs.length).toBeGreaterThan(300);
  });

  it("nothing outside lib/detection imports past its index (tests may also import lib/detection/testing)", () => {
    expect(engineBoundaryViolations(pairs)).toEqual([]);
    // The check itself catches both kinds of violation.
    expect(engineBoundaryViolations([[path.join(ROOT, "lib/cases/x.ts"), path.join(ENGINE, "decode")]])).toHaveLength(1);
    expect(engineBoundaryViolations([[path.join(ROOT, "lib/cases/x.ts"), path.join(ENGINE, "testing")]])).toHaveLength(1);
    expect(engineBoundaryViolations([[path.join(ROOT, "lib/cases/x.test.ts"), path.join(ENGINE, "testing")]])).toEqual([]);
  });

  it("pages and routes read and write through lib/, never drizzle directly", () => {
    const direct = files
      .filter((f) => f.startsWith(path.join(ROOT, "app") + path.sep))
      .filter((f) => /from\s+["']drizzle-orm/.test(readFileSync(f, "utf8")))
      .map(rel);
    expect(direct).toEqual([]);
  });

  it("no library module imports a command-line tool", () => {
    expect(cliImportViolations(pairs)).toEqual([]);
    expect(cliImportViolations([[path.join(ENGINE, "fusion/weights.ts"), path.join(ENGINE, "cli/collect")]])).toHaveLength(1);
  });
});
