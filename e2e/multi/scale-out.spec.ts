// Upload → scan → view through a round-robin proxy over two web servers, with the scans done by two
// separate worker processes, all on one PostgreSQL database and one S3 bucket (e2e/multi/cluster.ts).
import { readFileSync } from "node:fs";
import { expect, test, type APIResponse } from "@playwright/test";
import { makeJpeg } from "../../lib/detection/testing";
import { parseEnv } from "../../lib/env";
import { createBlobStore, imageKey } from "../../lib/storage";
import { createApiKey, signIn } from "../support/session";
import { MULTI_ADMIN } from "./playwright.config";

/**
 * Sends `send` until both web servers have answered it (the proxy alternates, but the page's own
 * requests share the round robin, so two calls in a row need not reach both), checking each answer.
 */
async function fromBothServers(send: () => Promise<APIResponse>, check: (r: APIResponse) => Promise<void>): Promise<void> {
  const seen = new Set<string>();
  for (let i = 0; i < 10 && seen.size < 2; i++) {
    const r = await send();
    seen.add(r.headers()["x-multi-backend"]!);
    await check(r);
  }
  expect(seen).toEqual(new Set(["0", "1"]));
}

test("a case uploaded through one web server is scanned by a worker process and viewed through the others", async ({ page, request }) => {
  // Sign-in and the API key form are server actions and session cookies spread over both servers.
  await signIn(page, MULTI_ADMIN.email, MULTI_ADMIN.password);
  const key = await createApiKey(page, "multi");
  const auth = { authorization: `Bearer ${key}` };

  // No web server scans (no in-process worker): both say so.
  await fromBothServers(() => request.get("/api/v1/health"), async (r) => {
    expect(await r.json()).toMatchObject({ status: "ok", database: "postgres", detection_threads: null });
  });

  const jpeg = await makeJpeg({ width: 400, height: 300, seed: 404 });
  const created = await request.post("/api/v1/cases", { headers: auth, multipart: { file: { name: "multi.jpg", mimeType: "image/jpeg", buffer: jpeg } } });
  expect(created.status()).toBe(202);
  const body = (await created.json()) as { id: string; image: { sha256: string } };

  // The original went to the bucket, not to a local directory.
  const cluster = JSON.parse(readFileSync("data/multi/cluster.json", "utf8")) as { s3: Record<string, string> };
  const bucket = createBlobStore(parseEnv(cluster.s3));
  expect((await bucket.get(imageKey(body.image.sha256)))!.equals(jpeg)).toBe(true);

  await expect
    .poll(async () => (await (await request.get(`/api/v1/cases/${body.id}`, { headers: auth })).json()).state, { timeout: 120_000 })
    .toMatch(/^(quarantined|cleared)$/);

  const detail = (await (await request.get(`/api/v1/cases/${body.id}`, { headers: auth })).json()) as {
    detection: { signals: { heatmap: { url: string } | null }[] };
  };
  const heatmapUrls = detail.detection.signals.flatMap((s) => (s.heatmap ? [s.heatmap.url] : []));
  expect(heatmapUrls.length).toBeGreaterThan(0);

  // The original and a heatmap, from each web server.
  await fromBothServers(() => request.get(`/api/v1/cases/${body.id}/image`, { headers: auth }), async (img) => {
    expect(img.status()).toBe(200);
    expect(img.headers()["content-type"]).toBe("image/jpeg");
    expect(Buffer.compare(await img.body(), jpeg)).toBe(0);
  });
  await fromBothServers(() => request.get(heatmapUrls[0]!, { headers: auth }), async (heat) => {
    expect(heat.status()).toBe(200);
    expect(heat.headers()["content-type"]).toBe("image/png");
  });

  // The case page shows the image and its heatmap (the browser's requests spread over both servers).
  await page.goto(`/cases/${body.id}`);
  const loaded = (testId: string) => page.getByTestId(testId).evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0);
  await expect.poll(() => loaded("original-image")).toBe(true);
  await expect.poll(() => loaded("heatmap-overlay")).toBe(true);

  const counts = ((await (await request.get("/__multi/backends")).json()) as { counts: number[] }).counts;
  expect(counts.every((n) => n > 0)).toBe(true);
});
