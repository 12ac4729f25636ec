// REST API: exact error envelopes (table-driven) and the happy path, with API keys per role.
import fs from "node:fs";
import { expect, test, type APIRequestContext } from "@playwright/test";
import { makeJpeg, makePng, makeTruncatedJpeg } from "../../lib/detection/testing";
import { E2E_ADMIN, E2E_CLUSTER } from "../../playwright.config";
import { createApiKey, ensureUser, signIn, signOut } from "../support/session";

const EDITOR = { email: "api-editor@e2e.test", password: "api-editor-pass", role: "editor" as const };
const keys: { admin: string; editor: string } = { admin: "", editor: "" };

test.beforeAll(async ({ browser }) => {
  const page = await browser.newPage();
  await signIn(page, E2E_ADMIN.email, E2E_ADMIN.password);
  await ensureUser(page, EDITOR);
  keys.admin = await createApiKey(page, "e2e-admin");
  await signOut(page);
  await signIn(page, EDITOR.email, EDITOR.password);
  keys.editor = await createApiKey(page, "e2e-editor");
  await page.close();
});

const auth = (key: string) => ({ authorization: `Bearer ${key}` });
const REQUEST_ID = expect.stringMatching(/^req_[0-9a-z]{22}$/);

async function postImage(request: APIRequestContext, key: string, bytes: Buffer, name = "x.jpg") {
  return request.post("/api/v1/cases", {
    headers: auth(key),
    multipart: { file: { name, mimeType: "application/octet-stream", buffer: bytes }, external_ref: "ext-1" },
  });
}

test.describe("error envelopes", () => {
  const cases: {
    name: string;
    run: (r: APIRequestContext) => Promise<import("@playwright/test").APIResponse>;
    status: number;
    code: string;
    param?: string;
  }[] = [
    { name: "no credentials", run: (r) => r.get("/api/v1/cases"), status: 401, code: "unauthenticated" },
    { name: "unknown key", run: (r) => r.get("/api/v1/cases", { headers: auth("lp_live_nope") }), status: 401, code: "unauthenticated" },
    { name: "malformed auth header", run: (r) => r.get("/api/v1/cases", { headers: { authorization: "Basic abc" } }), status: 401, code: "unauthenticated" },
    { name: "bad state filter", run: (r) => r.get("/api/v1/cases?state=bogus", { headers: auth(keys.editor) }), status: 400, code: "invalid_request", param: "state.0" },
    { name: "missing case", run: (r) => r.get("/api/v1/cases/case_missing", { headers: auth(keys.editor) }), status: 404, code: "not_found" },
    { name: "text file", run: (r) => postImage(r, keys.editor, Buffer.from("hello, not an image"), "notes.png"), status: 415, code: "image_unsupported_format", param: "file" },
    { name: "empty file", run: (r) => postImage(r, keys.editor, Buffer.alloc(0), "empty.png"), status: 422, code: "image_empty", param: "file" },
    {
      name: "truncated JPEG",
      run: async (r) => postImage(r, keys.editor, await makeTruncatedJpeg({ width: 200, height: 200, seed: 3 }), "cut.jpg"),
      status: 422,
      code: "image_corrupt",
      param: "file",
    },
    {
      name: "multipart without file",
      run: (r) => r.post("/api/v1/cases", { headers: auth(keys.editor), multipart: { note: "x" } }),
      status: 400,
      code: "invalid_request",
      param: "file",
    },
    // Control characters and foreign cursors are refused at the edge (they used to reach PostgreSQL as 500s).
    {
      name: "NUL in external_ref",
      run: async (r) => r.post("/api/v1/cases", { headers: auth(keys.editor), multipart: { file: { name: "n.jpg", mimeType: "image/jpeg", buffer: await makeJpeg({ width: 64, height: 64, seed: 7 }) }, external_ref: "a\u0000b" } }),
      status: 400,
      code: "invalid_request",
      param: "external_ref",
    },
    {
      name: "NUL in policy",
      run: async (r) => r.post("/api/v1/cases?policy=a%00b", { headers: { ...auth(keys.editor), "content-type": "image/jpeg" }, data: await makeJpeg({ width: 64, height: 64, seed: 8 }) }),
      status: 400,
      code: "invalid_request",
      param: "policy",
    },
    {
      name: "NUL in a raw upload's filename",
      run: async (r) => r.post("/api/v1/cases?filename=x%00.jpg", { headers: { ...auth(keys.editor), "content-type": "image/jpeg" }, data: await makeJpeg({ width: 64, height: 64, seed: 9 }) }),
      status: 400,
      code: "invalid_request",
      param: "filename",
    },
    { name: "NUL in the cursor", run: (r) => r.get("/api/v1/cases?cursor=a%00", { headers: auth(keys.editor) }), status: 400, code: "invalid_request", param: "cursor" },
    { name: "a cursor this API never wrote", run: (r) => r.get("/api/v1/cases?cursor=KzI3NTc2MC0wOS0xM3xjYXNlX3g", { headers: auth(keys.editor) }), status: 400, code: "invalid_request", param: "cursor" },
    { name: "NUL in a path id", run: (r) => r.get("/api/v1/cases/case_%00", { headers: auth(keys.editor) }), status: 400, code: "invalid_request", param: "id" },
    {
      name: "NUL in a decision note",
      run: (r) => r.post("/api/v1/cases/case_x/decision", { headers: auth(keys.admin), data: { outcome: "authentic", note: "ok\u0000" } }),
      status: 400,
      code: "invalid_request",
      param: "note",
    },
    { name: "unknown path under /api/v1", run: (r) => r.get("/api/v1/nothing-here", { headers: auth(keys.editor) }), status: 404, code: "not_found" },
    { name: "wrong method", run: (r) => r.put("/api/v1/cases/case_x", { headers: auth(keys.editor) }), status: 405, code: "method_not_allowed" },
    {
      name: "editor cannot decide",
      run: (r) => r.post("/api/v1/cases/case_x/decision", { headers: auth(keys.editor), data: { outcome: "authentic" } }),
      status: 403,
      code: "forbidden",
    },
    {
      name: "decision with bad outcome",
      run: (r) => r.post("/api/v1/cases/case_x/decision", { headers: auth(keys.admin), data: { outcome: "maybe" } }),
      status: 400,
      code: "invalid_request",
      param: "outcome",
    },
  ];

  for (const c of cases) {
    test(c.name, async ({ request }) => {
      const res = await c.run(request);
      expect(res.status()).toBe(c.status);
      const body = await res.json();
      expect(body).toEqual({
        error: { code: c.code, message: expect.any(String), request_id: REQUEST_ID, ...(c.param ? { param: c.param } : {}) },
      });
      expect(res.headers()["x-request-id"]).toBe(body.error.request_id);
    });
  }
});

test("submit, scan, read and decide through the API", async ({ request }) => {
  const jpeg = await makeJpeg({ width: 480, height: 360, seed: 101 });
  const created = await postImage(request, keys.editor, jpeg, "api-photo.jpg");
  expect(created.status()).toBe(202);
  const body = await created.json();
  expect(body).toMatchObject({ id: expect.stringMatching(/^case_/), state: "pending_scan", source: "api", filename: "api-photo.jpg", external_ref: "ext-1", deduplicated: false });
  expect(body.image).toMatchObject({ mime: "image/jpeg", width: 480, height: 360, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
  expect(body).not.toHaveProperty("image.storage_key");

  // Raw-body upload of the same bytes reuses the stored image.
  const again = await request.post("/api/v1/cases?filename=again.jpg", { headers: { ...auth(keys.editor), "content-type": "image/jpeg" }, data: jpeg });
  expect(again.status()).toBe(202);
  expect((await again.json()).deduplicated).toBe(true);

  await expect
    .poll(async () => (await (await request.get(`/api/v1/cases/${body.id}`, { headers: auth(keys.editor) })).json()).state, { timeout: 60_000 })
    .toMatch(/^(quarantined|cleared)$/);
  const health = await (await request.get("/api/v1/health")).json();
  expect(health).toMatchObject({ status: "ok", engine_version: expect.any(String) });
  if (E2E_CLUSTER) {
    // Against the cluster no web server scans: the worker processes did (e2e/multi/cluster.ts).
    expect(health.detection_threads).toBeNull();
  } else {
    // The scan ran in one of the in-process worker's detection threads.
    expect(health.detection_threads).toMatchObject({ threads: expect.any(Number), busy: expect.any(Number), queued: expect.any(Number) });
    expect(health.detection_threads.started).toBeGreaterThanOrEqual(1);
    expect(health.detection_threads.started).toBeLessThanOrEqual(health.detection_threads.threads);
  }
  // The committed detector is reported as installed, by its sidecar's version.
  const sidecar = JSON.parse(fs.readFileSync("models/loupe-detector.json", "utf8")) as { version: string };
  expect(health.detector_model).toEqual({ status: "ok", version: sidecar.version });
  const detail = await (await request.get(`/api/v1/cases/${body.id}`, { headers: auth(keys.editor) })).json();
  expect(detail.detection).toMatchObject({ verdict: expect.stringMatching(/^(ai_generated|likely_authentic|inconclusive)$/), score: expect.any(Number) });
  expect(detail.detection.signals.length).toBeGreaterThan(0);

  const img = await request.get(`/api/v1/cases/${body.id}/image`, { headers: auth(keys.editor) });
  expect(img.headers()["content-type"]).toBe("image/jpeg");
  expect(Buffer.compare(await img.body(), jpeg)).toBe(0);
  const thumb = await request.get(`/api/v1/cases/${body.id}/image?variant=thumbnail`, { headers: auth(keys.editor) });
  expect(thumb.status()).toBe(200);
  expect(thumb.headers()["content-type"]).toBe("image/webp");
  expect((await thumb.body()).length).toBeLessThan(jpeg.length);
  const unknown = await request.get(`/api/v1/cases/${body.id}/image?variant=poster`, { headers: auth(keys.editor) });
  expect(unknown.status()).toBe(400);
  expect((await unknown.json()).error).toMatchObject({ code: "invalid_request", param: "variant" });

  const decided = await request.post(`/api/v1/cases/${body.id}/decision`, { headers: auth(keys.admin), data: { outcome: "authentic", note: "api e2e" } });
  expect(decided.status()).toBe(200);
  expect(await decided.json()).toMatchObject({ state: "reviewed", decisions: [{ outcome: "authentic", note: "api e2e" }] });

  const listed = await (await request.get("/api/v1/cases?state=reviewed", { headers: auth(keys.editor) })).json();
  expect(listed.data.map((c: { id: string }) => c.id)).toContain(body.id);
});

test("an API key works as x-api-key too, and a wrong method says which methods the path takes", async ({ request }) => {
  const res = await request.get("/api/v1/cases?limit=1", { headers: { "x-api-key": keys.editor } });
  expect(res.status()).toBe(200);
  const wrong = await request.put("/api/v1/cases", { headers: { "x-api-key": keys.editor } });
  expect(wrong.status()).toBe(405);
  expect(wrong.headers()["allow"]).toBe("GET, POST");
});

test("a chunked upload without Content-Length is stopped at the limit with 413", async ({ baseURL }) => {
  let sent = 0;
  const chunk = new Uint8Array(1024 * 1024).fill(0xff);
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent >= 40 * 1024 * 1024) return controller.close();
      sent += chunk.byteLength;
      controller.enqueue(chunk);
    },
  });
  const res = await fetch(`${baseURL}/api/v1/cases`, { method: "POST", headers: { ...auth(keys.editor), "content-type": "image/jpeg" }, body, duplex: "half" } as RequestInit);
  expect(res.status).toBe(413);
  expect((await res.json()).error.code).toBe("payload_too_large");
});

test("an upload between 10 and 20 MB arrives whole (the proxy does not cut it off)", async ({ request }) => {
  // A 2560×2048 PNG of strong noise compresses badly: about 14 MB.
  const big = await makePng({ width: 2560, height: 2048, seed: 77, noise: 120 });
  expect(big.length).toBeGreaterThan(10 * 1024 * 1024);
  expect(big.length).toBeLessThan(20 * 1024 * 1024);
  const res = await postImage(request, keys.editor, big, "big.png");
  expect(res.status()).toBe(202);
  expect((await res.json()).image).toMatchObject({ size_bytes: big.length, width: 2560, height: 2048 });
});

test("PNG upload is typed by magic bytes, not the file name", async ({ request }) => {
  const png = await makePng({ width: 64, height: 64, seed: 5 });
  const res = await postImage(request, keys.editor, png, "misnamed.jpg");
  expect(res.status()).toBe(202);
  expect((await res.json()).image.mime).toBe("image/png");
});
