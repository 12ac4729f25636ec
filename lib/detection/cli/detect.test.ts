// The CLI as a user runs it: `npx loupe detect …` over every advertised format, parseable output.
import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { ADVERTISED_FORMATS } from "../testing/formats";
import { signals } from "../signals";

const run = promisify(execFile);
const BIN = path.resolve("lib/cli/loupe.mjs");

async function loupe(args: string[]): Promise<{ stdout: string; code: number }> {
  try {
    const { stdout } = await run(process.execPath, [BIN, ...args], { maxBuffer: 64 << 20 });
    return { stdout, code: 0 };
  } catch (e) {
    const err = e as { stdout: string; code: number };
    return { stdout: err.stdout, code: err.code };
  }
}

describe("npx loupe detect", () => {
  it("analyses every advertised format: a header, one line per file, every score on 0–100; --json is one report per line", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "loupe-cli-"));
    const formats = ADVERTISED_FORMATS.filter((f) => f.available());
    expect(formats.length).toBe(process.env.CI ? ADVERTISED_FORMATS.length : formats.length);
    const files: string[] = [];
    for (const f of formats) {
      const file = path.join(dir, `sample.${f.format}`);
      writeFileSync(file, await f.make());
      files.push(file);
    }
    const missing = path.join(dir, "missing.jpg");
    const plain = await loupe(["detect", ...files, missing]);
    expect(plain.code).toBe(1); // one file could not be read
    const lines = plain.stdout.trimEnd().split("\n");
    expect(lines[0]!.split("\t")).toEqual(["file", "verdict", "score", "confidence", "generator", ...signals.map((s) => s.id), "ms"]);
    for (const [i, file] of files.entries()) {
      const cells = lines[i + 1]!.split("\t");
      expect(cells[0]).toBe(file);
      expect(cells[1]).toMatch(/^(ai_generated|likely_authentic|inconclusive)$/);
      for (const c of [cells[2], cells[3], ...cells.slice(5, 5 + signals.length)]) expect(c).toMatch(/^(\d{1,3}|n\/a|error)$/);
      for (const c of [cells[2], cells[3]]) expect(Number(c)).toBeLessThanOrEqual(100);
    }
    expect(lines[files.length + 1]).toMatch(/^.*missing\.jpg\tERROR file_unreadable: /);

    const json = await loupe(["detect", files[0]!, "--json"]);
    expect(json.code).toBe(0);
    const reports = json.stdout.trimEnd().split("\n").map((l) => JSON.parse(l) as { file: string; verdict: string; score: number });
    expect(reports).toEqual([expect.objectContaining({ file: files[0], verdict: expect.any(String), score: expect.any(Number) })]);
  });
});
