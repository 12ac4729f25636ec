import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { decodeImage } from "../decode";
import { differenceHash } from "../dhash";
import { runDetection } from "../run-detection";
import { makeJpeg } from "../testing/fixtures";
import { createDetectionPool, type DetectionPool } from "./pool";

const fake = fileURLToPath(new URL("./testing/misbehaving-entry.mjs", import.meta.url));
const req = (mode: number, n = 8) => Buffer.alloc(n, mode);
let pool: DetectionPool | undefined;
afterEach(async () => {
  await pool?.close();
  pool = undefined;
});

describe("detection pool", () => {
  it("returns the same report as runDetection in this thread, heatmaps as Buffers", async () => {
    pool = createDetectionPool({ threads: 1, timeoutMs: 120_000 });
    const bytes = await makeJpeg({ width: 384, height: 320, seed: 11, quality: 88 });
    const [threaded, inline] = await Promise.all([pool.detect(bytes), runDetection(bytes)]);
    if (!threaded.ok || !inline.ok) throw new Error("detection refused a valid JPEG");
    expect(threaded.value.verdict).toBe(inline.value.verdict);
    expect(threaded.value.score).toBe(inline.value.score);
    expect(threaded.value.signals.map((s) => [s.id, s.status, s.score])).toEqual(inline.value.signals.map((s) => [s.id, s.status, s.score]));
    const heatmaps = threaded.value.signals.filter((s) => s.heatmap);
    expect(heatmaps.length).toBeGreaterThan(0);
    for (const s of heatmaps) expect(Buffer.isBuffer(s.heatmap!.png) && s.heatmap!.png.subarray(1, 4).toString()).toBe("PNG");
    // A raster handed over with the bytes (the upload's decode) crosses to the thread and is used there.
    const decoded = await decodeImage(bytes);
    if (!decoded.ok) throw new Error("decode refused a valid JPEG");
    const { analysis, orientation } = decoded.value;
    const handed = await pool.detect(bytes, { predecoded: { analysis, dhash: differenceHash(analysis, orientation).hash } });
    if (!handed.ok) throw new Error("detection refused a valid JPEG with its raster");
    expect([handed.value.score, handed.value.dhash]).toEqual([inline.value.score, inline.value.dhash]);
    expect(handed.value.signals.map((s) => [s.id, s.status, s.score])).toEqual(inline.value.signals.map((s) => [s.id, s.status, s.score]));
    // Typed refusals come back as values, not rejections.
    const bad = await pool.detect(Buffer.from("not an image"));
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error.code).toBe("image_unsupported_format");
  }, 120_000);

  it("refuses to start without its thread files, so the caller can fall back to inline detection", () => {
    expect(() => createDetectionPool({ threads: 1, timeoutMs: 1000, entry: "/nonexistent/entry.mjs" })).toThrow(
      /detection thread file not found: \/nonexistent\/entry\.mjs/,
    );
  });

  it("warm() starts every thread before any request; they answer as usual", async () => {
    pool = createDetectionPool({ threads: 2, timeoutMs: 10_000, entry: fake });
    expect(pool.stats()).toEqual({ threads: 2, started: 0, busy: 0, queued: 0 });
    pool.warm();
    expect(pool.stats()).toEqual({ threads: 2, started: 2, busy: 0, queued: 0 });
    const out = await Promise.all([pool.detect(req(4, 3)), pool.detect(req(4, 4))]);
    expect(new Set(out.map((r) => (r.ok ? 0 : (r.error as unknown as { thread: number }).thread))).size).toBe(2);
    expect(pool.stats().started).toBe(2);
  });

  it("fails a request whose thread throws or exits, and replaces the thread", async () => {
    pool = createDetectionPool({ threads: 1, timeoutMs: 10_000, entry: fake });
    await expect(pool.detect(req(1))).rejects.toThrow(/detection thread crashed: boom/);
    await expect(pool.detect(req(0, 5))).resolves.toMatchObject({ ok: false, error: { message: "echo 5" } });
    await expect(pool.detect(req(2))).rejects.toThrow(/exited unexpectedly \(code 7\)/);
    await expect(pool.detect(req(0, 6))).resolves.toMatchObject({ ok: false, error: { message: "echo 6" } });
  });

  it("a thread that exhausts its heap fails its request, not the process", async () => {
    pool = createDetectionPool({ threads: 1, timeoutMs: 30_000, maxHeapMb: 48, entry: fake });
    await expect(pool.detect(req(5))).rejects.toThrow(/detection thread crashed: .*out of memory/i);
    await expect(pool.detect(req(0, 4))).resolves.toMatchObject({ ok: false, error: { message: "echo 4" } });
  });

  it("stops a thread stuck in a busy loop at the timeout; queued work still runs", async () => {
    pool = createDetectionPool({ threads: 1, timeoutMs: 500, entry: fake });
    const hung = pool.detect(req(3));
    const next = pool.detect(req(0, 9));
    await expect(hung).rejects.toThrow(/timed out after 1 s; its thread was stopped/);
    await expect(next).resolves.toMatchObject({ ok: false, error: { message: "echo 9" } });
  });

  it("spreads requests over `threads` threads and answers each in order", async () => {
    pool = createDetectionPool({ threads: 2, timeoutMs: 10_000, entry: fake });
    const pending = [4, 4, 4, 4].map((m, i) => pool!.detect(req(m, 10 + i)));
    expect(pool.stats()).toEqual({ threads: 2, started: 2, busy: 2, queued: 2 });
    const out = await Promise.all(pending);
    expect(pool.stats()).toMatchObject({ busy: 0, queued: 0 });
    const errors = out.map((r) => (r.ok ? null : (r.error as unknown as { message: string; thread: number })));
    expect(errors.map((e) => e?.message)).toEqual(["echo 10", "echo 11", "echo 12", "echo 13"]);
    expect(new Set(errors.map((e) => e?.thread)).size).toBe(2);
  });

  it("rejects queued and new requests once closed", async () => {
    pool = createDetectionPool({ threads: 1, timeoutMs: 10_000, entry: fake });
    const settled = (p: Promise<unknown>) => p.then(() => "resolved", (e: Error) => e.message);
    const running = settled(pool.detect(req(4)));
    const queued = settled(pool.detect(req(0)));
    await pool.close();
    expect(await running).toBe("detection pool is closed");
    expect(await queued).toBe("detection pool is closed");
    await expect(pool.detect(req(0))).rejects.toThrow(/closed/);
  });
});
