// npm run detect -- <files or folders> [--json] [--heatmaps out/]
// One verdict line per file (or one JSON report per line with --json).
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { runDetection } from "../run-detection";

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
  const st = statSync(p);
  if (!st.isDirectory()) return [p];
  return readdirSync(p)
    .sort()
    .flatMap((n) => expand(path.join(p, n)))
    .filter((f) => !path.basename(f).startsWith("."));
}

async function main() {
  const { files, json, heatmapDir } = parseArgs(process.argv.slice(2));
  if (!files.length) {
    console.error("usage: npm run detect -- <files or folders> [--json] [--heatmaps out/]");
    process.exit(2);
  }
  if (heatmapDir) mkdirSync(heatmapDir, { recursive: true });
  let failures = 0;
  for (const file of files.flatMap(expand)) {
    const r = await runDetection(readFileSync(file), { heatmaps: heatmapDir !== null });
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
      const attr = rep.attribution.mostLikely ? ` [${rep.attribution.mostLikely} via ${rep.attribution.source}]` : "";
      const sig = rep.signals.map((s) => `${s.id}=${s.status !== "ok" ? s.status : s.score === null ? "-" : s.score.toFixed(2)}`).join(" ");
      console.log(`${file}\t${rep.verdict}\t${rep.score}\tconf ${rep.confidence.toFixed(2)}${attr}\t${sig}\t${rep.timings.totalMs.toFixed(0)} ms`);
      if (rep.reasons[0]) console.log(`  ${rep.reasons[0]}`);
    }
  }
  process.exitCode = failures ? 1 : 0;
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
