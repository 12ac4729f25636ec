// npm run bench [-- --runs 30 --no-heatmaps]
// Speed of the engine on generated JPEGs (1024×1024 and 4000×3000): bare sharp decode, each signal,
// total p50/p95, total/decode ratio, CPU time, the same image through a detection thread (the worker's
// path), peak RSS. Numbers to read, not assertions.
import os from "node:os";
import sharp from "sharp";
import { runDetection } from "../run-detection";
import { makeJpeg } from "../testing/fixtures";
import { createDetectionPool } from "../thread/pool";

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((s.length - 1) * p))]!;
};
const fmt = (x: number) => x.toFixed(1).padStart(8);
/** Scans before measuring (the first is printed as "first scan of the run"). */
const WARMUP = 20;

async function main() {
  const runs = Math.max(1, Number(arg("runs", "30")));
  const heatmaps = !process.argv.includes("--no-heatmaps");
  const threads = Number(arg("sharp-threads", "1"));
  // One libvips worker thread: the target is "on one core" and the engine shares the box.
  sharp.concurrency(threads);
  let peakRss = process.memoryUsage().rss;
  const sample = () => (peakRss = Math.max(peakRss, process.memoryUsage().rss));
  const load = () => os.loadavg().map((x) => x.toFixed(2)).join(" ");
  const heap = process.execArgv.find((a) => a.startsWith("--initial-heap-size")) ?? "default initial heap";
  console.log(`runs=${runs} (after ${WARMUP} warm-up scans) heatmaps=${heatmaps} sharp threads=${sharp.concurrency()} node ${process.version} ${heap} cores=${os.availableParallelism()}`);
  console.log(`load average before: ${load()}`);
  for (const [w, h] of [[1024, 1024], [4000, 3000]] as const) {
    const bytes = await makeJpeg({ width: w, height: h, seed: 7, quality: 90 });
    const decodeMs: number[] = [];
    const totalMs: number[] = [];
    const cpuMs: number[] = [];
    const perSignal = new Map<string, number[]>();
    // Warm-up: a long-running worker pays for module loads and JIT compilation once, not per image. On
    // one core the optimising compiler needs 10–20 scans to settle; the first one is reported on its own.
    const c0 = performance.now();
    await runDetection(bytes, { heatmaps });
    const coldMs = performance.now() - c0;
    for (let i = 1; i < WARMUP; i++) await runDetection(bytes, { heatmaps });
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      await sharp(bytes).raw().toBuffer();
      decodeMs.push(performance.now() - t0);
      sample();
      const c0 = process.cpuUsage();
      const r = await runDetection(bytes, { heatmaps });
      const c = process.cpuUsage(c0);
      cpuMs.push((c.user + c.system) / 1000);
      sample();
      if (!r.ok) throw new Error(r.error.message);
      totalMs.push(r.value.timings.totalMs);
      for (const s of r.value.signals) {
        if (!perSignal.has(s.id)) perSignal.set(s.id, []);
        perSignal.get(s.id)!.push(s.ms);
      }
    }
    console.log(`\n${w}×${h} JPEG (${(bytes.length / 1024).toFixed(0)} KiB)          p50      p95  (ms)`);
    console.log(`  bare sharp decode        ${fmt(pct(decodeMs, 0.5))} ${fmt(pct(decodeMs, 0.95))}`);
    for (const [id, xs] of perSignal) console.log(`  signal ${id.padEnd(17)} ${fmt(pct(xs, 0.5))} ${fmt(pct(xs, 0.95))}`);
    console.log(`  total runDetection       ${fmt(pct(totalMs, 0.5))} ${fmt(pct(totalMs, 0.95))}`);
    console.log(`  first scan of the run    ${fmt(coldMs)}`);
    console.log(`  total / decode (p50)     ${fmt(pct(totalMs, 0.5) / pct(decodeMs, 0.5))}×`);
    // CPU time of every thread of the process (JS, libvips, onnxruntime, GC) during runDetection: what
    // "on one core" costs, whatever else the machine was doing.
    console.log(`  CPU time, all threads    ${fmt(pct(cpuMs, 0.5))} ${fmt(pct(cpuMs, 0.95))}`);
    // The scan worker's path: a detection thread (thread/pool.ts), bytes copied in, report copied out.
    const pool = createDetectionPool({ threads: 1, timeoutMs: 600_000 });
    try {
      for (let i = 0; i < WARMUP; i++) await pool.detect(bytes, { heatmaps });
      const threadMs: number[] = [];
      for (let i = 0; i < runs; i++) {
        const t0 = performance.now();
        const r = await pool.detect(bytes, { heatmaps });
        threadMs.push(performance.now() - t0);
        if (!r.ok) throw new Error(r.error.message);
      }
      console.log(`  via a detection thread   ${fmt(pct(threadMs, 0.5))} ${fmt(pct(threadMs, 0.95))}`);
    } finally {
      await pool.close();
    }
  }
  console.log(`\npeak RSS ${(peakRss / 1048576).toFixed(0)} MiB`);
  console.log(`load average after: ${load()}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
