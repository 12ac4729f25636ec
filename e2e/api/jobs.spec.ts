// Async jobs end to end: POST /detect/async → the worker scans → GET /jobs/{id} completes → a signed
// webhook reaches a receiver in this test (retried after it first answers 500); the external_ref
// filter; DELETE by an admin and by the submitting key, and 403 for another user's key.
// The server runs with LOUPE_WEBHOOK_ALLOW_LOOPBACK and a fast retry schedule (playwright.config.ts).
import { expect, test, type APIRequestContext } from "@playwright/test";
import { makeJpeg } from "../../lib/detection/testing";
import { startReceiver, type Receiver } from "../../lib/testing/webhook-receiver";
import { verifyWebhookSignature } from "../../lib/webhooks/signature";
import { E2E_ADMIN } from "../../playwright.config";
import { createApiKey, ensureUser, signIn, signOut } from "../support/session";

const EDITOR = { email: "jobs-editor@e2e.test", password: "jobs-editor-pass", role: "editor" as const };
const OTHER = { email: "jobs-other@e2e.test", password: "jobs-other-pass", role: "editor" as const };
const keys = { admin: "", editor: "", other: "" };
const auth = (key: string) => ({ authorization: `Bearer ${key}` });
const REQUEST_ID = expect.stringMatching(/^req_[0-9a-z]{22}$/);

test.beforeAll(async ({ browser }) => {
  const page = await browser.newPage();
  await signIn(page, E2E_ADMIN.email, E2E_ADMIN.password);
  await ensureUser(page, EDITOR);
  await ensureUser(page, OTHER);
  keys.admin = await createApiKey(page, "jobs-admin");
  await signOut(page);
  await signIn(page, EDITOR.email, EDITOR.password);
  keys.editor = await createApiKey(page, "jobs-editor");
  await signOut(page);
  await signIn(page, OTHER.email, OTHER.password);
  keys.other = await createApiKey(page, "jobs-other");
  await page.close();
});

async function submitJob(request: APIRequestContext, fields: Record<string, string>, seed: number) {
  return request.post("/api/v1/detect/async", {
    headers: auth(keys.editor),
    multipart: { image: { name: `job-${seed}.jpg`, mimeType: "image/jpeg", buffer: await makeJpeg({ width: 120, height: 90, seed }) }, ...fields },
  });
}

test.describe("async jobs and webhooks", () => {
  let receiver: Receiver;
  test.beforeAll(async () => {
    receiver = await startReceiver("/loupe");
  });
  test.afterAll(async () => {
    await receiver?.close();
  });

  test("a job completes, and its signed webhook is retried after a 500 until delivered", async ({ request }) => {
    receiver.script.push(500);
    const res = await submitJob(request, { webhook_url: receiver.url, metadata: JSON.stringify({ upload: "u-77", tags: ["a"] }), external_ref: "job-ref-1" }, 701);
    expect(res.status()).toBe(202);
    const job = await res.json();
    expect(job).toMatchObject({ object: "job", status: "queued", external_ref: "job-ref-1", metadata: { upload: "u-77", tags: ["a"] }, result: null, error: null });
    expect(job.id).toMatch(/^job_[0-9a-z]{22}$/);
    expect(res.headers().location).toBe(`/api/v1/jobs/${job.id}`);
    expect(job.webhook.url).toBe(receiver.url);
    expect(job.webhook.secret).toMatch(/^whsec_/);

    // GET follows the case through the worker: queued → running → completed, never backwards.
    const seen: string[] = [];
    await expect
      .poll(async () => {
        const status = (await (await request.get(`/api/v1/jobs/${job.id}`, { headers: auth(keys.editor) })).json()).status;
        if (seen.at(-1) !== status) seen.push(status);
        return status;
      }, { timeout: 90_000, intervals: [100] })
      .toBe("completed");
    const order = ["queued", "running", "completed"];
    expect(seen.map((s) => order.indexOf(s))).toEqual([...seen.map((s) => order.indexOf(s))].sort());
    const done = await (await request.get(`/api/v1/jobs/${job.id}`, { headers: auth(keys.editor) })).json();
    expect(done.result.detection.verdict).toMatch(/^(ai_generated|likely_authentic|inconclusive)$/);
    expect(done.error).toBeNull();
    expect(done).not.toHaveProperty("webhook");

    // First answer 500, then a retry after the (shortened) backoff gets 200.
    await expect.poll(() => receiver.received.map((r) => r.status), { timeout: 60_000 }).toEqual([500, 200]);
    const [first, second] = receiver.received;
    expect(second!.body).toBe(first!.body);
    for (const r of [first!, second!]) {
      expect(r.headers["x-loupe-event"]).toBe("job.completed");
      expect(verifyWebhookSignature({ secret: job.webhook.secret, header: r.headers["x-loupe-signature"] as string, body: r.body })).toBe(true);
      expect(verifyWebhookSignature({ secret: "whsec_not_it", header: r.headers["x-loupe-signature"] as string, body: r.body })).toBe(false);
    }
    const event = JSON.parse(second!.body);
    expect(event).toMatchObject({ type: "job.completed", data: { job: { id: job.id, status: "completed", metadata: { upload: "u-77" } } } });
    expect(event.data.job.result.detection.id).toBe(done.result.detection.id);
  });

  test("refuses bad job requests with the error envelope", async ({ request }) => {
    const cases: { name: string; fields: Record<string, string>; param: string }[] = [
      { name: "metadata over 4 kB", fields: { metadata: JSON.stringify({ blob: "x".repeat(5000) }) }, param: "metadata" },
      { name: "metadata not an object", fields: { metadata: "[1,2]" }, param: "metadata" },
      { name: "metadata not JSON", fields: { metadata: "{nope" }, param: "metadata" },
      { name: "a private webhook address", fields: { webhook_url: "http://10.0.0.7/hook" }, param: "webhook_url" },
      { name: "cloud metadata address", fields: { webhook_url: "http://169.254.169.254/latest" }, param: "webhook_url" },
      { name: "not http", fields: { webhook_url: "ftp://example.org/" }, param: "webhook_url" },
    ];
    for (const c of cases) {
      const res = await submitJob(request, c.fields, 702);
      expect(res.status(), c.name).toBe(400);
      expect(await res.json(), c.name).toEqual({ error: { code: "invalid_request", message: expect.any(String), param: c.param, request_id: REQUEST_ID } });
    }
    const noImage = await request.post("/api/v1/detect/async", { headers: auth(keys.editor), multipart: { note: "x" } });
    expect(noImage.status()).toBe(400);
    expect((await noImage.json()).error.param).toBe("image");
    const missing = await request.get("/api/v1/jobs/job_missing", { headers: auth(keys.editor) });
    expect(missing.status()).toBe(404);
    expect((await missing.json()).error).toMatchObject({ code: "not_found", request_id: REQUEST_ID });
  });

  test("takes the raw image as the body, with fields in the query string", async ({ request }) => {
    const res = await request.post("/api/v1/detect/async?external_ref=raw-1&metadata=%7B%22k%22%3A1%7D", {
      headers: { ...auth(keys.editor), "content-type": "image/jpeg" },
      data: await makeJpeg({ width: 100, height: 100, seed: 703 }),
    });
    expect(res.status()).toBe(202);
    expect(await res.json()).toMatchObject({ status: "queued", external_ref: "raw-1", metadata: { k: 1 }, webhook: null });
  });
});

test("lists cases by external_ref", async ({ request }) => {
  const ref = `ref-${Date.now().toString(36)}`;
  const ids: string[] = [];
  for (const [seed, r] of [
    [711, ref],
    [712, `${ref}-other`],
    [713, ref],
  ] as const) {
    const res = await request.post("/api/v1/cases", { headers: auth(keys.editor), multipart: { file: { name: "r.jpg", mimeType: "image/jpeg", buffer: await makeJpeg({ width: 80, height: 80, seed }) }, external_ref: r } });
    expect(res.status()).toBe(202);
    if (r === ref) ids.push((await res.json()).id);
  }
  const list = await (await request.get(`/api/v1/cases?external_ref=${encodeURIComponent(ref)}`, { headers: auth(keys.editor) })).json();
  expect(list.data.map((c: { id: string }) => c.id).sort()).toEqual(ids.sort());
  expect(list.data.every((c: { external_ref: string }) => c.external_ref === ref)).toBe(true);
});

test("DELETE: an admin or the submitting key removes a case; another user's key gets 403", async ({ request }) => {
  const bytes = await makeJpeg({ width: 110, height: 85, seed: 721 });
  const post = async () => (await (await request.post("/api/v1/cases", { headers: auth(keys.editor), multipart: { file: { name: "del.jpg", mimeType: "image/jpeg", buffer: bytes }, external_ref: "to-delete" } })).json()).id as string;
  const a = await post();
  const b = await post();

  const forbidden = await request.delete(`/api/v1/cases/${a}`, { headers: auth(keys.other) });
  expect(forbidden.status()).toBe(403);
  expect((await forbidden.json()).error).toMatchObject({ code: "forbidden", request_id: REQUEST_ID });
  expect((await request.get(`/api/v1/cases/${a}`, { headers: auth(keys.editor) })).status()).toBe(200);

  const byAdmin = await request.delete(`/api/v1/cases/${a}`, { headers: auth(keys.admin) });
  expect(byAdmin.status()).toBe(200);
  expect(await byAdmin.json()).toMatchObject({ id: a, deleted: true, image_deleted: false });
  for (const path of [`/api/v1/cases/${a}`, `/api/v1/cases/${a}/image`, `/api/v1/cases/${a}/heatmaps/ela`]) {
    const res = await request.get(path, { headers: auth(keys.editor) });
    expect(res.status(), path).toBe(404);
    expect((await res.json()).error.code).toBe("not_found");
  }
  expect((await request.delete(`/api/v1/cases/${a}`, { headers: auth(keys.admin) })).status()).toBe(404);
  // B shares the bytes and still serves them.
  const image = await request.get(`/api/v1/cases/${b}/image`, { headers: auth(keys.editor) });
  expect(image.status()).toBe(200);
  expect(Buffer.from(await image.body()).equals(bytes)).toBe(true);

  const byOwnKey = await request.delete(`/api/v1/cases/${b}`, { headers: auth(keys.editor) });
  expect(byOwnKey.status()).toBe(200);
  expect(await byOwnKey.json()).toMatchObject({ id: b, deleted: true, image_deleted: true });
  const list = await (await request.get("/api/v1/cases?external_ref=to-delete", { headers: auth(keys.editor) })).json();
  expect(list.data.map((c: { id: string }) => c.id)).not.toContain(a);
  expect(list.data.map((c: { id: string }) => c.id)).not.toContain(b);
});
