// npm run eval -- --data <folder with ai/ and real/ | labels.csv> [--split dev] [--perturb jpeg75,resize0.5]
//                 [--json] [--no-cache] [--markdown]
// Prints n, AUC, accuracy, TPR/FPR at the default threshold, TPR at 1 % FPR, ECE, per-source and
// per-generator recall, per-signal AUC, and the same under each perturbation.
import { fuse } from "../fuse";
import { signals as registry } from "../signals";
import type { SignalResult } from "../types";
import { defaultWeights } from "../fusion/weights";
import { collect, type Row } from "./collect";
import { loadDataset, parsePerturbation } from "./dataset";
import { auc, ece, rates, tprAtFpr } from "./metrics";

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}
const flag = (name: string) => process.argv.includes(`--${name}`);

interface ConditionReport {
  condition: string;
  n: number;
  decodeErrors: number;
  auc: number;
  accuracy: number;
  tpr: number;
  fpr: number;
  tprAt1Fpr: number;
  ece: number;
  verdicts: Record<string, number>;
  perSource: { source: string; label: string; n: number; recall: number }[];
  perGenerator: { generator: string; n: number; recall: number }[];
  perSignalAuc: Record<string, number | null>;
}

function report(condition: string, rows: Row[]): ConditionReport {
  const ok = rows.filter((r) => !r.decodeError);
  const labels = ok.map((r) => (r.item.label === "ai" ? 1 : 0));
  const probs: number[] = [];
  const verdicts: Record<string, number> = {};
  for (const r of ok) {
    const results = r.signals.map((s) => ({ ...s, summary: "", flags: s.flags ?? [] }) as SignalResult);
    const f = fuse(results);
    probs.push(f.probability);
    verdicts[f.verdict] = (verdicts[f.verdict] ?? 0) + 1;
  }
  const thr = defaultWeights.thresholds.ai;
  const at = rates(probs, labels, thr);
  const group = <K extends string>(keyOf: (r: Row) => K) => {
    const m = new Map<K, { n: number; hit: number; label: string }>();
    ok.forEach((r, i) => {
      const k = keyOf(r);
      const g = m.get(k) ?? { n: 0, hit: 0, label: r.item.label };
      g.n++;
      // Recall of the correct class: AI called ai_generated, real not called ai_generated.
      if ((r.item.label === "ai") === (probs[i]! >= thr)) g.hit++;
      m.set(k, g);
    });
    return m;
  };
  const perSource = [...group((r) => `${r.item.source}|${r.item.label}`)].map(([k, g]) => ({ source: k.split("|")[0]!, label: g.label, n: g.n, recall: g.hit / g.n })).sort((a, b) => a.label.localeCompare(b.label) || a.source.localeCompare(b.source));
  const perGenerator = [...group((r) => (r.item.label === "ai" ? r.item.generator || r.item.source : "(real)"))].filter(([k]) => k !== "(real)").map(([generator, g]) => ({ generator, n: g.n, recall: g.hit / g.n })).sort((a, b) => a.generator.localeCompare(b.generator));
  const perSignalAuc: Record<string, number | null> = {};
  for (const s of registry) {
    const idx = ok.map((r, i) => [r.signals.find((x) => x.id === s.id), i] as const).filter(([x]) => x && x.status === "ok" && x.score !== null);
    const a = auc(idx.map(([x]) => x!.score!), idx.map(([, i]) => labels[i]!));
    perSignalAuc[s.id] = Number.isFinite(a) ? a : null;
  }
  return {
    condition,
    n: ok.length,
    decodeErrors: rows.length - ok.length,
    auc: auc(probs, labels),
    accuracy: at.accuracy,
    tpr: at.tpr,
    fpr: at.fpr,
    tprAt1Fpr: tprAtFpr(probs, labels, 0.01).tpr,
    ece: ece(probs, labels),
    verdicts,
    perSource,
    perGenerator,
    perSignalAuc,
  };
}

const pc = (x: number) => (Number.isFinite(x) ? `${(x * 100).toFixed(1)}%` : "n/a");
const f3 = (x: number | null) => (x !== null && Number.isFinite(x) ? x.toFixed(3) : "n/a");

function print(reps: ConditionReport[]) {
  const ids = Object.keys(reps[0]!.perSignalAuc);
  console.log(`fusion ${defaultWeights.version}, default threshold ai ≥ ${defaultWeights.thresholds.ai}\n`);
  console.log(`| condition | n | AUC | accuracy | TPR@thr | FPR@thr | TPR@1%FPR | ECE | ${ids.map((i) => `AUC ${i}`).join(" | ")} |`);
  console.log(`|---|---|---|---|---|---|---|---|${ids.map(() => "---|").join("")}`);
  for (const r of reps) {
    console.log(`| ${r.condition} | ${r.n}${r.decodeErrors ? ` (+${r.decodeErrors} undecodable)` : ""} | ${f3(r.auc)} | ${pc(r.accuracy)} | ${pc(r.tpr)} | ${pc(r.fpr)} | ${pc(r.tprAt1Fpr)} | ${f3(r.ece)} | ${ids.map((i) => f3(r.perSignalAuc[i] ?? null)).join(" | ")} |`);
  }
  const sources = [...new Set(reps.flatMap((r) => r.perSource.map((s) => `${s.source}|${s.label}`)))];
  console.log(`\nPer-source recall (AI sources: share called AI; real sources: share not called AI)\n`);
  console.log(`| source | label | n | ${reps.map((r) => r.condition).join(" | ")} |`);
  console.log(`|---|---|---|${reps.map(() => "---|").join("")}`);
  for (const k of sources) {
    const [src, label] = k.split("|");
    const cells = reps.map((r) => r.perSource.find((s) => s.source === src && s.label === label));
    console.log(`| ${src} | ${label} | ${cells[0]?.n ?? "-"} | ${cells.map((c) => (c ? pc(c.recall) : "-")).join(" | ")} |`);
  }
  const gens = [...new Set(reps.flatMap((r) => r.perGenerator.map((g) => g.generator)))];
  console.log(`\nPer-generator recall (AI only)\n`);
  console.log(`| generator | n | ${reps.map((r) => r.condition).join(" | ")} |`);
  console.log(`|---|---|${reps.map(() => "---|").join("")}`);
  for (const g of gens) {
    const cells = reps.map((r) => r.perGenerator.find((x) => x.generator === g));
    console.log(`| ${g.replace(/\|/g, "/")} | ${cells[0]?.n ?? "-"} | ${cells.map((c) => (c ? pc(c.recall) : "-")).join(" | ")} |`);
  }
  console.log(`\nVerdict counts: ${reps.map((r) => `${r.condition}: ${Object.entries(r.verdicts).map(([k, v]) => `${k} ${v}`).join(", ")}`).join("; ")}`);
}

async function main() {
  const data = arg("data");
  if (!data) {
    console.error("usage: npm run eval -- --data <folder with ai/ and real/ | labels.csv> [--split dev] [--perturb jpeg75,resize0.5] [--json]");
    process.exit(2);
  }
  const items = loadDataset(data, arg("split"));
  if (!items.length) throw new Error(`no labelled images found in ${data}`);
  const perturbs = (arg("perturb") ?? "").split(",").filter(Boolean).map(parsePerturbation);
  const cache = !flag("no-cache");
  const refresh = new Set((arg("refresh") ?? "").split(",").filter(Boolean));
  const reps: ConditionReport[] = [];
  reps.push(report("original", await collect(items, registry, null, { cache, refresh, progress: "original" })));
  for (const p of perturbs) reps.push(report(p.name, await collect(items, registry, p, { cache, refresh, progress: p.name })));
  if (flag("json")) console.log(JSON.stringify({ fusionVersion: defaultWeights.version, data, conditions: reps }, null, 2));
  else print(reps);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
