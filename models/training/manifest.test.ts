// Guards the training-corpus manifest (models/training/data/manifest.csv, written by corpus.py merge):
// no row may name one of Loupe's reserved held-out sources (data/reserved.json), every sha256 is a unique
// 64-hex digest, every label is ai|real, and no field is empty.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const FIELDS = ["repo", "commit", "path", "sha256", "label", "generator", "family", "licence", "context"] as const;
type Row = Record<(typeof FIELDS)[number], string>;

interface Reserved {
  repositories: string[];
  path_pattern: string;
}

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

/** RFC 4180 CSV: quoted fields may hold commas, quotes ("") and newlines. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      row.push(field);
      field = "";
    } else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
    } else field += c;
  }
  if (field !== "" || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

function toRows(table: string[][]): Row[] {
  const [header, ...body] = table;
  expect(header).toEqual([...FIELDS]);
  return body.map((cells) => Object.fromEntries(FIELDS.map((k, i) => [k, cells[i] ?? ""])) as Row);
}

/** Every problem with the rows; empty when the manifest is acceptable. */
export function manifestProblems(rows: Row[], reserved: Reserved): string[] {
  const repos = new Set(reserved.repositories.map((r) => r.toLowerCase()));
  const pathRe = new RegExp(reserved.path_pattern, "i");
  const seen = new Map<string, number>();
  const problems: string[] = [];
  rows.forEach((r, i) => {
    const at = `row ${i + 2} (${r.repo}:${r.path})`;
    if (repos.has(r.repo.trim().toLowerCase())) problems.push(`${at}: reserved repository`);
    if (pathRe.test(r.path)) problems.push(`${at}: path names a reserved image set`);
    if (!/^[0-9a-f]{64}$/.test(r.sha256)) problems.push(`${at}: sha256 is not 64 lower-case hex`);
    else if (seen.has(r.sha256)) problems.push(`${at}: sha256 repeats row ${seen.get(r.sha256)}`);
    else seen.set(r.sha256, i + 2);
    if (r.label !== "ai" && r.label !== "real") problems.push(`${at}: label ${JSON.stringify(r.label)}`);
    for (const k of FIELDS) if (r[k].trim() === "") problems.push(`${at}: empty ${k}`);
  });
  return problems;
}

const reserved = JSON.parse(readFileSync(here("./data/reserved.json"), "utf8")) as Reserved;

const good: Row = {
  repo: "someone/sample-images",
  commit: "0123456789abcdef0123456789abcdef01234567",
  path: "samples/cat.png",
  sha256: "a".repeat(64),
  label: "ai",
  generator: "SDXL 1.0",
  family: "sdxl",
  licence: "MIT",
  context: "samples",
};

describe("manifest checker", () => {
  it("accepts a clean row", () => {
    expect(manifestProblems([good], reserved)).toEqual([]);
  });

  it("catches a reserved repository, whatever its case", () => {
    const bad = { ...good, repo: "ComfyAnonymous/comfyui_EXAMPLES" };
    expect(manifestProblems([bad], reserved).join("\n")).toMatch(/reserved repository/);
    for (const repo of reserved.repositories) {
      expect(manifestProblems([{ ...good, repo }], reserved).length).toBeGreaterThan(0);
    }
  });

  it("catches copies of reserved image sets by path, not innocent names", () => {
    for (const path of ["data/kodak/kodim05.png", "kodim23.png", "LowLight/DICM/01.jpg", "test/LIME/7.bmp",
      "afhq/cat/flickr_cat_000008.jpg", "assets/celeba_hq/female/1.jpg", "MEF/a.png"]) {
      expect(manifestProblems([{ ...good, path }], reserved).join("\n"), path).toMatch(/reserved image set/);
    }
    for (const path of ["img/limestone.jpg", "sublime/x.png", "photos/kodachrome_look.jpg"]) {
      expect(manifestProblems([{ ...good, path }], reserved), path).toEqual([]);
    }
  });

  it("catches bad hashes, duplicate hashes, bad labels and empty fields", () => {
    expect(manifestProblems([{ ...good, sha256: "A".repeat(64) }], reserved).join()).toMatch(/64 lower-case hex/);
    expect(manifestProblems([{ ...good, sha256: "ab12" }], reserved).join()).toMatch(/64 lower-case hex/);
    expect(manifestProblems([good, { ...good, path: "other.png" }], reserved).join()).toMatch(/repeats row 2/);
    expect(manifestProblems([{ ...good, label: "fake" }], reserved).join()).toMatch(/label/);
    expect(manifestProblems([{ ...good, licence: " " }], reserved).join()).toMatch(/empty licence/);
  });

  it("parses RFC 4180 quoting", () => {
    expect(parseCsv('a,"b, c","say ""hi"""\r\n1,2,3\n')).toEqual([["a", "b, c", 'say "hi"'], ["1", "2", "3"]]);
  });
});

describe("models/training/data/manifest.csv", () => {
  const rows = toRows(parseCsv(readFileSync(here("./data/manifest.csv"), "utf8")));

  it("has rows of both labels", () => {
    expect(rows.some((r) => r.label === "ai")).toBe(true);
    expect(rows.some((r) => r.label === "real")).toBe(true);
  });

  it("names no reserved source, and every row is well formed", () => {
    expect(manifestProblems(rows, reserved)).toEqual([]);
  });

  it("records a 40-hex commit for every row", () => {
    expect(rows.filter((r) => !/^[0-9a-f]{40}$/.test(r.commit)).map((r) => r.repo)).toEqual([]);
  });

  it("the reserved list covers issue #11's repositories", () => {
    expect(reserved.repositories).toContain("comfyanonymous/ComfyUI_examples");
    expect(reserved.repositories).toContain("drewnoakes/metadata-extractor-images");
    expect(reserved.repositories.length).toBeGreaterThanOrEqual(14);
  });
});
