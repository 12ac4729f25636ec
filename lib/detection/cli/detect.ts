// npx loupe detect <files or folders> [--json] [--heatmaps out/]
// A header line, then one tab-separated verdict line per file with every score on the report's 0–100
// scale (or one JSON report per line with --json). Exit code 1 when any file could not be analysed.
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { runDetection } from "../run-detection";
import { signals } from "../signals";

function parseArgs(argv: string[]) {
  const files: string[] = [];
  let json = false;
  let heatmapDir: string | null = null;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--json") json = true;
    else if (a === "--heatmaps") heatmapDir = argv[++i] ?? null;
    else files.push(a);
  }
  return { files, json, heatmapDir };
}

function expand(p: string): string[] {
  let st;
  try {
    st = statSync(p);
  } catch {
    return [p]; // reported as unreadable below, in its place in the output
  }
  if (!st.isDirectory()) return [p];
  return readdirSync(p)
    .sort()
    .flatMap((n) => expand(path.join(p, n)))
    .filter((f) => !path.basename(f).startsWith("."));
}

async function main() {
  const { files, json, heatmapDir } = parseArgs(process.argv.slice(2));
  if (!files.length) {
    console.error("usage: npx loupe detect <files or folders> [--json] [--heatmaps out/]");
    process.exit(2);
  }
  if (heatmapDir) mkdirSync(heatmapDir, { recursive: true });
  let failures = 0;
  if (!json) console.log(["file", "verdict", "score", "confidence", "generator", ...signals.map((s) => s.id), "ms"].join("\t"));
  for (const file of files.flatMap(expand)) {
    let bytes: Buffer;
    try {
      bytes = readFileSync(file);
    } catch (e) {
      failures++;
      const error = { code: "file_unreadable", message: (e as Error).message };
      console.log(json ? JSON.stringify({ file, error }) : `${file}\tERROR ${error.code}: ${error.message}`);
      continue;
    }
    const r = await runDetection(bytes, { heatmaps: heatmapDir !== null });
    if (!r.ok) {
      failures++;
      if (json) console.log(JSON.stringify({ file, error: r.error }));
      else console.log(`${file}\tERROR ${r.error.code}: ${r.error.message}`);
      continue;
    }
    const rep = r.value;
    if (heatmapDir) {
      for (const s of rep.signals) {
        if (!s.heatmap) continue;
        writeFileSync(path.join(heatmapDir, `${path.basename(file)}.${s.id}.png`), s.heatmap.png);
      }
    }
    if (json) {
      // Heatmap bytes are written to files, not inlined into the JSON.
      const signals = rep.signals.map(({ heatmap, ...s }) => ({ ...s, heatmap: heatmap ? { label: heatmap.label } : undefined }));
      console.log(JSON.stringify({ file, ...rep, signals }));
    } else {
      // One scale for every number a person compares: 0–100, like the report's score.
      const pct = (x: number) => String(Math.round(x * 100));
      const attr = rep.attribution.mostLikely ? `${rep.attribution.mostLikely} (${rep.attribution.source})` : "-";
      const bySignal = new Map(rep.signals.map((s) => [s.id, s]));
      const cells = signals.map(({ id }) => {
        const s = bySignal.get(id);
        return !s ? "-" : s.status === "error" ? "error" : s.score === null ? "n/a" : pct(s.score);
      });
      console.log([file, rep.verdict, String(Math.round(rep.score)), pct(rep.confidence), attr, ...cells, rep.timings.totalMs.toFixed(0)].join("\t"));
    }
  }
  process.exitCode = failures ? 1 : 0;
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
