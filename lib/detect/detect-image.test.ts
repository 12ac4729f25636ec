import { createHash } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../../db";
import { auditEvents, cases, detections, policies } from "../../db/schema";
import { makeJpeg, makePng, makeTestCa, signJpeg } from "../detection/testing";
import { appErrorOf } from "../testing/app-error";
import { useSharedTestDb } from "../testing/shared-test-db";
import { TEST_DB_KINDS } from "../testing/test-db";
import { claimCase } from "../worker/claim-case";
import { analyseForensics } from "./analyse-forensics";
import { detectBatch } from "./detect-batch";
import { detectImage, type DetectImageInput } from "./detect-image";
import { getDetectionHeatmap } from "./queries";
import { verifyC2pa } from "./verify-c2pa";


/** Every file under `dir`, recursively. */
async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...(await filesUnder(p)));
    else out.push(p);
  }
  return out;
}

/** Every row of every table in the database, as JSON text. */
async function allRowsText(db: Db): Promise<string> {
  const rowsOf = (r: unknown) => (Array.isArray(r) ? r : (r as { rows: unknown[] }).rows) as Record<string, unknown>[];
  const tables = rowsOf(await db.execute(sql`select table_schema, table_name from information_schema.tables where table_schema not in ('pg_catalog', 'information_schema') and table_type = 'BASE TABLE'`));
  expect(tables.map((t) => t.table_name)).toEqual(expect.arrayContaining(["images", "cases", "detections", "detection_cache", "audit_events"]));
  let text = "";
  for (const t of tables) {
    const rows = rowsOf(await db.execute(sql.raw(`select row_to_json(x)::text as j from "${String(t.table_schema)}"."${String(t.table_name)}" x`)));
    text += rows.map((r) => String(r.j)).join("\n");
  }
  return text;
}

// A local image server for URL inputs; it counts requests so a refusal can be shown to fetch nothing.
let server: http.Server;
let base = "";
const served = new Map<string, Buffer>();
let hits = 0;
beforeAll(async () => {
  server = http.createServer((req, res) => {
    hits++;
    const body = served.get(req.url ?? "");
    if (body) res.writeHead(200, { "content-type": "application/octet-stream" }).end(body);
    else res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

describe.each(TEST_DB_KINDS)("detection verbs (%s)", (kind) => {
  const s = useSharedTestDb(kind);
  const ctx = () => ({ db: s.t().db, actor: s.actor(), requestId: "req_test" });
  const detect = (input: DetectImageInput, allowLoopback = false) => detectImage({ ctx: ctx(), input }, { fetch: { allowLoopback } });
  let seed = kind === "pglite" ? 1000 : 2000;
  const jpeg = () => makeJpeg({ width: 160, height: 128, seed: seed++, quality: 85 });

  it("detects an image and answers the same request again from the cache", async () => {
    const bytes = await jpeg();
    const first = await detect({ image: { bytes }, options: { metadata: { upload: "u-1" } } });
    expect(first.cached).toBe(false);
    expect(first.report.signals.map((x) => x.id)).toEqual(["c2pa", "metadata", "watermark", "ml", "jpeg", "ela", "noise", "frequency"]);
    expect(first.hashes.sha256).toBe(createHash("sha256").update(bytes).digest("hex"));
    expect(first.hashes.dhash).toMatch(/^[0-9a-f]{16}$/);
    expect(first.report.image).toMatchObject({ format: "jpeg", width: 160, height: 128, sizeBytes: bytes.length });
    expect(first.metadata).toEqual({ upload: "u-1" });
    expect(first.heatmaps).toBeNull();
    expect(first.isAi).toBe(first.report.verdict === "ai_generated" || first.report.score >= first.policy.quarantineThreshold);

    const again = await detect({ image: { bytes }, options: {} });
    expect(again.cached).toBe(true);
    expect(again.report.score).toBe(first.report.score);
    expect(again.report.signals.map((x) => [x.id, x.score])).toEqual(first.report.signals.map((x) => [x.id, x.score]));
    expect(again.metadata).toBeNull();
    // Other options, another cache entry.
    const subset = await detect({ image: { bytes }, options: { signals: "ela,jpeg" } });
    expect(subset.cached).toBe(false);
    expect(subset.report.signals.map((x) => x.id)).toEqual(["jpeg", "ela"]);
    expect(subset.report.modelVersion).toBeNull();
    expect((await detect({ image: { bytes }, options: { signals: ["jpeg", "ela"] } })).cached).toBe(true);
  });

  it.each([
    ["an unknown signal", { signals: "ela,nonsense" }, "signals", /unknown signal id\(s\) nonsense/],
    ["no signal", { signals: "" }, "signals", /at least one signal/],
    ["an unknown heatmap mode", { include_heatmaps: "all" }, "include_heatmaps", /./],
    ["heatmap URLs without retention", { retention: "none", include_heatmaps: "urls" }, "include_heatmaps", /needs retention=default/],
    ["a case without retention", { retention: "none", create_case: true }, "create_case", /retention=none/],
    ["metadata over 4 kB", { metadata: { blob: "x".repeat(5000) } }, "metadata", /at most 4096 bytes/],
    ["metadata that is not an object", { metadata: "[1,2]" }, "metadata", /JSON object/],
    ["an unknown policy", { policy: "no-such-policy" }, "policy", /No policy named/],
    ["a misspelt option", { signal: "ela" }, "signal", /not an option/],
  ])("refuses %s", async (_name, options, param, message) => {
    const err = await appErrorOf(detect({ image: { bytes: await jpeg() }, options: options as DetectImageInput["options"] }));
    expect(err.code).toBe("invalid_request");
    expect(err.param).toBe(param);
    expect(err.message).toMatch(message);
  });

  it("refuses what is not an image with the engine's typed error, naming the input", async () => {
    const err = await appErrorOf(detect({ image: { bytes: Buffer.from("plain text, not an image"), param: "image" } }));
    expect([err.code, err.param]).toEqual(["image_unsupported_format", "image"]);
  });

  it("applies a named policy's threshold (by name or id)", async () => {
    const db = s.t().db;
    await db.insert(policies).values([
      { id: "pol_strict_" + kind, name: `strict-${kind}`, quarantineThreshold: 0, inconclusiveAction: "clear" },
      { id: "pol_lax_" + kind, name: `lax-${kind}`, quarantineThreshold: 100, inconclusiveAction: "clear" },
    ]);
    const bytes = await jpeg();
    const strict = await detect({ image: { bytes }, options: { policy: `strict-${kind}` } });
    expect(strict.policy).toMatchObject({ name: `strict-${kind}`, quarantineThreshold: 0, outcome: "quarantined" });
    expect(strict.isAi).toBe(true);
    const lax = await detect({ image: { bytes }, options: { policy: "pol_lax_" + kind } });
    expect(lax.cached).toBe(true);
    expect(lax.policy.name).toBe(`lax-${kind}`);
    expect(lax.isAi).toBe(lax.report.verdict === "ai_generated");
  });

  it("uses a policy resolved beforehand for the same origin, unless the request names one", async () => {
    const db = s.t().db;
    const [strict] = await db.select().from(policies).where(eq(policies.id, "pol_strict_" + kind));
    const preResolved = { policy: strict!, rule: "api_key" as const, origin: "api" };
    const bytes = await jpeg();
    const viaKey = await detectImage({ ctx: ctx(), input: { image: { bytes } }, policy: preResolved });
    expect(viaKey.policy).toMatchObject({ id: strict!.id, outcome: "quarantined" });
    const named = await detectImage({ ctx: ctx(), input: { image: { bytes }, options: { policy: `lax-${kind}` } }, policy: preResolved });
    expect(named.policy.name).toBe(`lax-${kind}`);
    // Resolved for another origin (the console's quick check is its own): resolved again here.
    const other = await detectImage({ ctx: ctx(), input: { image: { bytes }, source: "upload" }, policy: preResolved });
    expect(other.policy.id).not.toBe(strict!.id);
  });

  it("returns heatmaps inline or as URLs of stored PNGs", async () => {
    const bytes = await jpeg();
    const inline = await detect({ image: { bytes }, options: { include_heatmaps: "inline" } });
    expect(Object.keys(inline.heatmaps!)).toEqual(expect.arrayContaining(["ela", "noise"]));
    for (const h of Object.values(inline.heatmaps!)) expect(h.png!.subarray(1, 4).toString()).toBe("PNG");
    const urls = await detect({ image: { bytes }, options: { include_heatmaps: "urls" } });
    expect(urls.cached).toBe(true);
    const ela = urls.heatmaps!.ela!.url!;
    const [, id] = /^\/api\/v1\/detections\/(det_[0-9a-z]+)\/heatmaps\/ela$/.exec(ela)!;
    const media = await getDetectionHeatmap(s.t().db, id!, "ela");
    expect(media.bytes.equals(inline.heatmaps!.ela!.png!)).toBe(true);
    expect((await appErrorOf(getDetectionHeatmap(s.t().db, id!, "c2pa"))).code).toBe("not_found");
    // A request without heatmaps may be answered by the entry that has them.
    expect((await detect({ image: { bytes }, options: {} })).cached).toBe(true);
  });

  it("with retention=none keeps the image nowhere: no blob, no row holds its bytes or its hash", async () => {
    const blobDir = s.blobDir();
    const filesBefore = await filesUnder(blobDir);
    const bytes = await makePng({ width: 150, height: 110, seed: seed++ });
    const sha = createHash("sha256").update(bytes).digest("hex");
    const out = await detect({ image: { base64: bytes.toString("base64") }, options: { retention: "none", include_heatmaps: "inline", metadata: { k: "v" } } });
    expect(out.cached).toBe(false);
    expect(out.hashes.sha256).toBe(sha);
    expect(out.heatmaps!.ela!.png!.subarray(1, 4).toString()).toBe("PNG");
    // Blob store: not one new file, and no file holds the bytes or is named by the hash.
    const filesAfter = await filesUnder(blobDir);
    expect(filesAfter).toEqual(filesBefore);
    for (const f of filesAfter) {
      expect(f).not.toContain(sha);
      expect((await readFile(f)).includes(bytes.subarray(0, 256))).toBe(false);
    }
    // Database: no table holds the hash, the bytes (hex or base64) or the dhash.
    const rows = await allRowsText(s.t().db);
    for (const needle of [sha, bytes.subarray(40, 120).toString("hex"), bytes.toString("base64").slice(60, 160), out.hashes.dhash]) {
      expect(rows.includes(needle)).toBe(false);
    }
    // The check can fail: the same image with the default retention leaves its hash in the cache.
    await detect({ image: { bytes }, options: {} });
    expect((await allRowsText(s.t().db)).includes(sha)).toBe(true);
  });

  it("with create_case puts the image in the queue with this detection as its scan, so the worker has nothing to scan", async () => {
    const bytes = await jpeg();
    const out = await detect({ image: { bytes, filename: "q.jpg" }, options: { create_case: true, external_ref: "ext-9" } });
    expect(out.created).not.toBeNull();
    const { case: c, scannedHere } = out.created!;
    expect(scannedHere).toBe(true);
    expect(["quarantined", "cleared"]).toContain(c.state);
    expect(c).toMatchObject({ source: "api", filename: "q.jpg", externalRef: "ext-9", score: out.report.score, verdict: out.report.verdict, attempts: 1 });
    const rows = await s.t().db.select().from(detections).where(eq(detections.caseId, c.id));
    expect(rows).toHaveLength(1);
    expect(rows[0]!.score).toBe(out.report.score);
    expect(rows[0]!.signals.filter((x) => x.heatmap).length).toBeGreaterThan(0);
    expect(await claimCase(s.t().db, { workerId: "wrk_test", leaseSeconds: 30, maxAttempts: 3 })).toBeNull();
    // Created already claimed (one transaction), so no worker ever saw it pending.
    const trail = await s.t().db.select().from(auditEvents).where(eq(auditEvents.caseId, c.id));
    const step = (reason: string | null) => trail.find((e) => ((e.data as { reason?: string }).reason ?? null) === reason)!;
    expect(trail.map((e) => [e.action, (e.data as { reason?: string }).reason ?? null, (e.data as { from?: string }).from ?? null]).sort()).toEqual([
      ["case.created", null, null],
      ["case.transition", "claimed", "pending_scan"],
      ["case.transition", "scan_completed", "scanning"],
    ]);
    // now() is the transaction's start: the same instant shows the claim was made in the creating transaction.
    expect(step("claimed").createdAt.getTime()).toBe(step(null).createdAt.getTime());
    // From the cache too: the cached report (heatmaps read back from their blobs) becomes the case's scan.
    const second = await detect({ image: { bytes }, options: { create_case: true } });
    expect(second.cached).toBe(true);
    expect(second.created!.scannedHere).toBe(true);
    const [c2] = await s.t().db.select().from(cases).where(eq(cases.id, second.created!.case.id));
    expect(c2!.state).toBe(c.state);
    const [d2] = await s.t().db.select().from(detections).where(eq(detections.caseId, c2!.id));
    expect(d2!.signals.filter((x) => x.heatmap).length).toBe(rows[0]!.signals.filter((x) => x.heatmap).length);
  });

  it("reads base64, bare and as a data URL", async () => {
    const bytes = await jpeg();
    const bare = await detect({ image: { base64: bytes.toString("base64") }, options: { signals: "jpeg" } });
    const dataUrl = await detect({ image: { base64: `data:image/jpeg;base64,${bytes.toString("base64")}` }, options: { signals: "jpeg" } });
    expect(bare.hashes.sha256).toBe(dataUrl.hashes.sha256);
    expect(dataUrl.cached).toBe(true);
    const err = await appErrorOf(detect({ image: { base64: "not*base64" } }));
    expect([err.code, err.param]).toEqual(["invalid_request", "image_base64"]);
  });

  it("fetches an image URL from an allowed server, and refuses loopback without the test flag, fetching nothing", async () => {
    const bytes = await jpeg();
    served.set("/photo.jpg", bytes);
    const out = await detect({ image: { url: `${base}/photo.jpg` }, options: { signals: "jpeg,ela" } }, true);
    expect(out.hashes.sha256).toBe(createHash("sha256").update(bytes).digest("hex"));
    const port = new URL(base).port;
    const before = hits;
    for (const url of [`${base}/photo.jpg`, `http://localhost:${port}/photo.jpg`, `http://0x7f000001:${port}/photo.jpg`, `http://2130706433:${port}/photo.jpg`, `http://127.1:${port}/photo.jpg`, `http://[::1]:${port}/photo.jpg`]) {
      const err = await appErrorOf(detect({ image: { url } }));
      expect([err.code, err.param]).toEqual(["image_unfetchable", "image_url"]);
    }
    expect(hits).toBe(before);
  });

  it("detects a batch in input order, one item's failure being that item's error", async () => {
    const [a, b] = [await jpeg(), await jpeg()];
    const results = await detectBatch({
      ctx: ctx(),
      input: {
        items: [
          { image: { bytes: a }, metadata: { n: 1 } },
          { image: { bytes: Buffer.from("nope"), param: "items.1.image" } },
          { image: { url: "http://169.254.169.254/latest/meta-data/", param: "items.2.image_url" } },
          { image: { bytes: b } },
        ],
        options: { signals: "jpeg,ela", metadata: { batch: true } },
      },
    });
    expect(results.map((r) => (r.ok ? "ok" : r.error.code))).toEqual(["ok", "image_unsupported_format", "image_unfetchable", "ok"]);
    expect(results[0]!.ok && results[0]!.outcome.metadata).toEqual({ n: 1 });
    expect(results[3]!.ok && results[3]!.outcome.metadata).toEqual({ batch: true });
    expect(results[3]!.ok && results[3]!.outcome.hashes.sha256).toBe(createHash("sha256").update(b).digest("hex"));
    if (!results[2]!.ok) expect(results[2]!.error.param).toBe("items.2.image_url");
  });

  it("refuses a batch of more than 100 images before detecting any", async () => {
    const one = await jpeg();
    const err = await appErrorOf(detectBatch({ ctx: ctx(), input: { items: Array.from({ length: 101 }, () => ({ image: { bytes: one } })) } }));
    expect([err.code, err.status, err.param]).toEqual(["too_many_files", 400, "items"]);
  });

  it("returns the forensic maps alone, as PNGs", async () => {
    const out = await analyseForensics({ ctx: ctx(), input: { image: { bytes: await jpeg() } } });
    expect(out.signals.map((x) => x.id)).toEqual(["ml", "ela", "noise"]);
    for (const id of ["ela", "noise"]) expect(out.signals.find((x) => x.id === id)!.heatmap!.png.subarray(1, 4).toString()).toBe("PNG");
  });

  it("returns the C2PA result alone: an AI declaration signed by an untrusted test CA", async () => {
    const ca = makeTestCa();
    const signed = await signJpeg(await jpeg(), ca, { digitalSourceType: "trainedAlgorithmicMedia", softwareAgent: "Test Diffusion" });
    const out = await verifyC2pa({ ctx: ctx(), input: { image: { bytes: signed } } });
    expect(out.signal.id).toBe("c2pa");
    const d = out.signal.details as { aiDeclaration: { sourceType: string }; actions: { action: string; softwareAgent: string }[] };
    expect(d.aiDeclaration.sourceType).toBe("trainedAlgorithmicMedia");
    expect(d.actions[0]).toMatchObject({ action: "c2pa.created", softwareAgent: "Test Diffusion" });
    const plain = await verifyC2pa({ ctx: ctx(), input: { image: { bytes: await jpeg() } } });
    expect(plain.signal.flags.map((f) => f.code)).toEqual(["c2pa_absent"]);
  });
});
