// The hostile-input suite, through the verb that the upload action and the REST API both call and
// through the CLI: 200+ malformed, hostile and odd-but-valid files. Each ends in a stable 4xx code or
// a scanned case — never a 5xx, a crash or a hang — and every valid one is accepted and scanned.
import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { cases } from "../../db/schema";
import { makeHostileFiles, type HostileFile } from "../detection/testing";
import { AppError } from "../errors";
import { useSharedTestDb } from "../testing/shared-test-db";
import { startWorker } from "../worker/worker";
import { submitImage } from "./submit-image";

const run = promisify(execFile);
const FOUR_XX = /^(image_empty|image_unsupported_format|image_too_large|image_corrupt|invalid_request|payload_too_large)$/;

function within<T>(ms: number, p: Promise<T>, what: string): Promise<T> {
  return Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`${what} took over ${ms} ms`)), ms).unref())]);
}

describe("hostile input", () => {
  const shared = useSharedTestDb("pglite");
  let files: HostileFile[] = [];
  beforeAll(async () => {
    files = await makeHostileFiles();
  }, 120_000);

  it("has at least 200 files, valid ones among them", () => {
    expect(files.length).toBeGreaterThanOrEqual(200);
    expect(files.filter((f) => f.expect === "accept").length).toBeGreaterThanOrEqual(20);
  });

  it("upload: each file is accepted or refused with a stable 4xx code within 10 s, and every accepted one scans", async () => {
    const db = shared.t().db;
    const outcomes: { name: string; expect: HostileFile["expect"]; got: string; caseId?: string }[] = [];
    for (const f of files) {
      try {
        const r = await within(10_000, submitImage({ ctx: { db, actor: shared.actor() }, input: { bytes: f.bytes, filename: f.name, source: "upload" } }), f.name);
        outcomes.push({ name: f.name, expect: f.expect, got: "accepted", caseId: r.case.id });
      } catch (e) {
        if (!(e instanceof AppError)) throw new Error(`${f.name}: ${(e as Error).message}`);
        outcomes.push({ name: f.name, expect: f.expect, got: e.code });
      }
    }
    const wrong = outcomes.filter((o) => (o.got === "accepted" ? o.expect === "refuse" : o.expect === "accept" || !FOUR_XX.test(o.got)));
    expect(wrong).toEqual([]);
    const worker = startWorker({ db, concurrency: 2, leaseSeconds: 60, maxAttempts: 1, pollMs: 50, log: () => {} });
    await within(240_000, worker.drain(), "scanning the accepted files");
    await worker.stop();
    const notScanned = [];
    for (const o of outcomes.filter((x) => x.caseId)) {
      const [row] = await db.select().from(cases).where(eq(cases.id, o.caseId!));
      if (!/^(quarantined|cleared)$/.test(row!.state)) notScanned.push({ name: o.name, state: row!.state, error: row!.lastError });
    }
    expect(notScanned).toEqual([]);
  }, 600_000);

  it("CLI: one line per file, a verdict or an error code, and the process ends on its own", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "loupe-hostile-"));
    files.forEach((f, i) => writeFileSync(path.join(dir, `${String(i).padStart(3, "0")}-${f.name}`), f.bytes));
    const out: { stdout: string; code?: number } = await run(process.execPath, [path.resolve("lib/cli/loupe.mjs"), "detect", dir], { maxBuffer: 64 << 20, timeout: 300_000 }).catch(
      (e: { stdout: string; code: number }) => e,
    );
    expect(out.code).toBe(1); // some files are refused
    const lines = out.stdout.trimEnd().split("\n").slice(1);
    expect(lines).toHaveLength(files.length);
    for (const line of lines) expect(line).toMatch(/\t(ai_generated|likely_authentic|inconclusive)\t|\tERROR (image_[a-z_]+|file_unreadable): /);
  }, 400_000);
});
