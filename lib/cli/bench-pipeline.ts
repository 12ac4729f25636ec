// `npm run bench:pipeline`: what the server spends on an image outside the engine, without HTTP: the
// upload's verb (submitImage: decode, duplicate hash, blob, the case's transaction) and the worker's
// cycle (processNextCase: claim, scan, completion), in this process, on two throw-away PGlite
// databases, one with named prepared statements (db/pglite-prepared.ts, the default) and one without,
// alternated round by round (and which goes first, too) so that both see the same machine. The scan's engine is replaced by one
// report computed beforehand (with heatmaps, as the worker asks), so only the pipeline is timed.
// Prints, per database, the CPU ms per image of this whole process and the ms per image spent inside
// the database client (PGlite runs on this thread: that is CPU too). Numbers to read, not assertions.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { PGlite } from "@electric-sql/pglite";
import { openDb, type Db } from "../../db";
import { ensureDefaultPolicy } from "../bootstrap";
import { submitImage } from "../cases/submit-image";
import { runDetection } from "../detection";
import { insertTestUser, useTempBlobStore } from "../testing/test-db";
import { processNextCase } from "../worker/process-next-case";
import { benchJpeg, pct } from "./bench-support";

const IMAGES = Number(process.env.BENCH_IMAGES ?? 40);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 8);

interface Subject {
  label: string;
  db: Db;
  close(): Promise<void>;
  actor: Awaited<ReturnType<typeof insertTestUser>>;
  /** ms spent inside the database client since the last reset. */
  clientMs: { value: number };
  cpu: number[];
  inClient: number[];
}

/** Counts the wall time of every query and transaction of a PGlite client (its work runs on this thread). */
function timeClient(client: PGlite): { value: number } {
  const total = { value: 0 };
  const timed = <A extends unknown[], R>(fn: (...a: A) => Promise<R>) => async (...a: A): Promise<R> => {
    const s = performance.now();
    try {
      return await fn(...a);
    } finally {
      total.value += performance.now() - s;
    }
  };
  client.query = timed(client.query.bind(client)) as PGlite["query"];
  client.transaction = timed(client.transaction.bind(client)) as PGlite["transaction"];
  return total;
}

async function subject(label: string, preparedStatements: boolean): Promise<Subject> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "loupe-bench-pipeline-"));
  const handle = await openDb({ pgliteDir: dir, preparedStatements });
  const { db } = handle;
  await ensureDefaultPolicy(db);
  const clientMs = timeClient((db as unknown as { $client: PGlite }).$client);
  const close = async () => {
    await handle.close();
    rmSync(dir, { recursive: true, force: true });
  };
  return { label, db, close, actor: await insertTestUser(db, "admin"), clientMs, cpu: [], inClient: [] };
}

async function main() {
  const blobs = await useTempBlobStore();
  const images: Buffer[] = [];
  for (let i = 0; i < IMAGES * 2; i++) images.push(await benchJpeg(7000 + i));
  const report = await runDetection(images[0]!, { heatmaps: true });
  if (!report.ok) throw new Error(`the engine refused the bench image: ${report.error.message}`);
  const detect = async () => report;
  const subjects = [await subject("prepared statements", true), await subject("PGlite's own query", false)];
  console.log(`upload + scan in process (engine replaced by one report), 1024×1024 JPEG, ${IMAGES} images a round, ${ROUNDS} rounds after one warm-up, ${os.availableParallelism()} cores, load average ${os.loadavg().map((x) => x.toFixed(2)).join(" ")}`);
  for (let round = 0; round <= ROUNDS; round++) {
    // Which goes first alternates: the second of a pair runs on a warmer (or busier) machine.
    for (const s of round % 2 ? [...subjects].reverse() : subjects) {
      s.clientMs.value = 0;
      const cpu0 = process.cpuUsage();
      for (let i = 0; i < IMAGES; i++) {
        // Distinct bytes each round (a repeated image would take the duplicate path).
        const bytes = Buffer.concat([images[(round * 7 + i) % images.length]!, Buffer.from(`${round}:${i}`)]);
        await submitImage({ ctx: { db: s.db, actor: s.actor }, input: { bytes, filename: `bench-${round}-${i}.jpg`, source: "upload" } });
        await processNextCase({ db: s.db, workerId: "wrk_bench", leaseSeconds: 60, maxAttempts: 3, detect, log: () => {} });
      }
      const cpu = process.cpuUsage(cpu0);
      if (round === 0) continue; // warm-up: JIT, the statements' first preparation
      s.cpu.push((cpu.user + cpu.system) / 1000 / IMAGES);
      s.inClient.push(s.clientMs.value / IMAGES);
    }
  }
  console.log(`${"".padEnd(22)} ${"CPU ms/image p50 (min–max)".padStart(28)} ${"in the database client ms/image p50 (min–max)".padStart(48)}`);
  for (const s of subjects) {
    const span = (xs: number[]) => `${pct(xs, 0.5).toFixed(1)} (${Math.min(...xs).toFixed(1)}–${Math.max(...xs).toFixed(1)})`;
    console.log(`${s.label.padEnd(22)} ${span(s.cpu).padStart(28)} ${span(s.inClient).padStart(48)}`);
  }
  for (const s of subjects) await s.close();
  await blobs.cleanup();
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e instanceof Error ? e.stack : e);
    process.exit(1);
  },
);
