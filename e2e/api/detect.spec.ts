// The detection API over HTTP: POST /api/v1/detect in every input shape, its options and cache,
// create_case, batches, /forensics, /c2pa/verify, and URL inputs that must not reach private addresses.
//
// The e2e server runs with LOUPE_FETCH_LOOPBACK_PORT=E2E_IMAGE_PORT (playwright.config.ts) so the URL
// input can be shown working against a server this spec starts on 127.0.0.1:E2E_IMAGE_PORT. That
// allowance is one port of loopback; so here every refusal is checked end to end, loopback included
// (127.0.0.1, [::1], 0x7f000001, localhost on any other port, where a receiver records every hit),
// besides metadata, private, CGNAT, 0.0.0.0, IPv6 ULA and mapped forms, odd IPv4 spellings and
// redirects to private addresses.
import { createHash } from "node:crypto";
import http from "node:http";
import net, { type AddressInfo } from "node:net";
import { expect, test, type APIRequestContext, type APIResponse } from "@playwright/test";
import { makeJpeg, makePng, makeTestCa, signJpeg } from "../../lib/detection/testing";
import { E2E_ADMIN, E2E_IMAGE_PORT } from "../../playwright.config";
import { createApiKey, ensureUser, signIn, signOut } from "../support/session";

const EDITOR = { email: "detect-editor@e2e.test", password: "detect-editor-pass", role: "editor" as const };
let key = "";
const auth = () => ({ authorization: `Bearer ${key}` });
const REQUEST_ID = expect.stringMatching(/^req_[0-9a-z]{22}$/);
const SIGNALS = ["c2pa", "metadata", "watermark", "ml", "jpeg", "ela", "noise", "frequency"];
const sha256 = (b: Buffer) => createHash("sha256").update(b).digest("hex");

// Images for URL inputs, and redirects to where a URL must not lead.
let server: http.Server;
let origin = "";
const served = new Map<string, Buffer>();
let hits = 0;
let receiver: net.Server;
let receiverPort = 0;
let receiverHits = 0;

test.beforeAll(async ({ browser }) => {
  const page = await browser.newPage();
  await signIn(page, E2E_ADMIN.email, E2E_ADMIN.password);
  await ensureUser(page, EDITOR);
  await signOut(page);
  await signIn(page, EDITOR.email, EDITOR.password);
  key = await createApiKey(page, "detect-editor");
  await page.close();
  server = http.createServer((req, res) => {
    hits++;
    const u = new URL(req.url ?? "/", "http://x");
    if (u.pathname === "/redirect") return void res.writeHead(302, { location: u.searchParams.get("to")! }).end();
    const body = served.get(u.pathname);
    if (body) res.writeHead(200, { "content-type": "text/plain" }).end(body);
    else res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(E2E_IMAGE_PORT, "127.0.0.1", r));
  origin = `http://127.0.0.1:${E2E_IMAGE_PORT}`;
  // Where a refused URL would land if the refusal failed: loopback on a port that is not allowed, on
  // IPv4 and IPv6 (dual stack), recording every connection.
  receiver = net.createServer((socket) => {
    receiverHits++;
    socket.destroy();
  });
  await new Promise<void>((r) => receiver.listen({ port: 0, host: "::", ipv6Only: false }, r));
  receiverPort = (receiver.address() as AddressInfo).port;
});

test.afterAll(async () => {
  server?.closeAllConnections();
  await new Promise((r) => server?.close(r));
  await new Promise((r) => receiver?.close(r));
});

function expectResult(body: Record<string, unknown>, bytes: Buffer, format: string) {
  expect(body).toMatchObject({
    verdict: expect.stringMatching(/^(ai_generated|likely_authentic|inconclusive)$/),
    score: expect.any(Number),
    confidence: expect.any(Number),
    uncertainty: expect.any(Number),
    is_ai: expect.any(Boolean),
    reasons: expect.any(Array),
    attribution: { confidence: expect.any(Number), source: expect.any(String), alternatives: expect.any(Array) },
    c2pa: { checked: expect.any(Boolean) },
    hashes: { sha256: sha256(bytes), dhash: expect.stringMatching(/^[0-9a-f]{16}$/) },
    image: { format, bytes: bytes.length, width: expect.any(Number), height: expect.any(Number) },
    policy: { name: "default", outcome: expect.stringMatching(/^(quarantined|cleared)$/) },
    engine: { engine: expect.stringMatching(/^loupe-engine-/), model: expect.any(String), fusion: expect.any(String) },
    request_id: REQUEST_ID,
    latency_ms: expect.any(Number),
    cached: expect.any(Boolean),
  });
  expect(body.score as number).toBeGreaterThanOrEqual(0);
  expect(body.score as number).toBeLessThanOrEqual(100);
  expect(Object.keys(body.signals as object)).toEqual(SIGNALS);
  expect(body.attribution).toHaveProperty("most_likely");
}

test.describe("POST /api/v1/detect", () => {
  const shapes: { name: string; format: string; make: () => Promise<Buffer>; send: (r: APIRequestContext, b: Buffer) => Promise<APIResponse> }[] = [
    {
      name: "multipart `image` part",
      format: "jpeg",
      make: () => makeJpeg({ width: 200, height: 150, seed: 301 }),
      send: (r, b) => r.post("/api/v1/detect", { headers: auth(), multipart: { image: { name: "a.jpg", mimeType: "image/jpeg", buffer: b } } }),
    },
    {
      name: "multipart `file` part",
      format: "png",
      make: () => makePng({ width: 180, height: 140, seed: 302 }),
      send: (r, b) => r.post("/api/v1/detect", { headers: auth(), multipart: { file: { name: "a.png", mimeType: "application/octet-stream", buffer: b } } }),
    },
    {
      name: "raw body, image/jpeg",
      format: "jpeg",
      make: () => makeJpeg({ width: 160, height: 160, seed: 303 }),
      send: (r, b) => r.post("/api/v1/detect", { headers: { ...auth(), "content-type": "image/jpeg" }, data: b }),
    },
    {
      name: "raw body, application/octet-stream (typed by magic bytes)",
      format: "png",
      make: () => makePng({ width: 150, height: 120, seed: 304 }),
      send: (r, b) => r.post("/api/v1/detect", { headers: { ...auth(), "content-type": "application/octet-stream" }, data: b }),
    },
    {
      name: "JSON image_base64, bare",
      format: "jpeg",
      make: () => makeJpeg({ width: 140, height: 180, seed: 305 }),
      send: (r, b) => r.post("/api/v1/detect", { headers: auth(), data: { image_base64: b.toString("base64") } }),
    },
    {
      name: "JSON image_base64, data URL",
      format: "png",
      make: () => makePng({ width: 128, height: 128, seed: 306 }),
      send: (r, b) => r.post("/api/v1/detect", { headers: auth(), data: { image_base64: `data:image/png;base64,${b.toString("base64")}` } }),
    },
    {
      name: "JSON image_url (a local server on the one loopback port the test setting allows)",
      format: "jpeg",
      make: () => makeJpeg({ width: 170, height: 130, seed: 307 }),
      send: (r, b) => {
        served.set("/photo.jpg", b);
        return r.post("/api/v1/detect", { headers: auth(), data: { image_url: `${origin}/photo.jpg` } });
      },
    },
  ];

  for (const s of shapes) {
    test(`detects from ${s.name}`, async ({ request }) => {
      const bytes = await s.make();
      const res = await s.send(request, bytes);
      expect(res.status()).toBe(200);
      const body = await res.json();
      expectResult(body, bytes, s.format);
      expect(body.cached).toBe(false);
      expect(res.headers()["x-request-id"]).toBe(body.request_id);
    });
  }

  test("answers the same image and options from the cache", async ({ request }) => {
    const bytes = await makeJpeg({ width: 210, height: 160, seed: 310 });
    const post = (q = "") => request.post(`/api/v1/detect${q}`, { headers: { ...auth(), "content-type": "image/jpeg" }, data: bytes });
    const first = await (await post()).json();
    const second = await (await post()).json();
    expect([first.cached, second.cached]).toEqual([false, true]);
    expect(second.score).toBe(first.score);
    expect(second.signals).toEqual(first.signals);
    expect(second.request_id).not.toBe(first.request_id);
    // Other options, another entry.
    const subset = await (await post("?signals=jpeg,ela")).json();
    expect(subset.cached).toBe(false);
    expect(Object.keys(subset.signals)).toEqual(["jpeg", "ela"]);
  });

  test("options: metadata echoed, heatmaps inline and as URLs, policy, create_case", async ({ request }) => {
    const bytes = await makeJpeg({ width: 220, height: 170, seed: 311 });
    const inline = await request.post("/api/v1/detect", {
      headers: auth(),
      multipart: { image: { name: "h.jpg", mimeType: "image/jpeg", buffer: bytes }, include_heatmaps: "inline", metadata: JSON.stringify({ order: 42 }) },
    });
    expect(inline.status()).toBe(200);
    const ib = await inline.json();
    expect(ib.metadata).toEqual({ order: 42 });
    expect(ib.heatmaps.ela.data_url).toMatch(/^data:image\/png;base64,iVBOR/);

    const urls = await (await request.post("/api/v1/detect?include_heatmaps=urls", { headers: { ...auth(), "content-type": "image/jpeg" }, data: bytes })).json();
    expect(urls.cached).toBe(true);
    const png = await request.get(urls.heatmaps.ela.url, { headers: auth() });
    expect(png.headers()["content-type"]).toBe("image/png");
    expect((await png.body()).toString("base64")).toBe(ib.heatmaps.ela.data_url.split(",")[1]);

    const none = await request.post("/api/v1/detect?retention=none&include_heatmaps=inline", { headers: { ...auth(), "content-type": "image/jpeg" }, data: await makeJpeg({ width: 90, height: 90, seed: 312 }) });
    expect(none.status()).toBe(200);
    expect((await none.json()).heatmaps.ela.data_url).toMatch(/^data:image\/png;base64,/);

    const created = await request.post("/api/v1/detect", { headers: auth(), data: { image_base64: bytes.toString("base64"), create_case: true, policy: "default", external_ref: "det-1" } });
    expect(created.status()).toBe(200);
    const cb = await created.json();
    expect(cb.case).toMatchObject({ id: expect.stringMatching(/^case_/), source: "api", external_ref: "det-1", scanned_by_request: true, state: expect.stringMatching(/^(quarantined|cleared)$/) });
    const detail = await (await request.get(`/api/v1/cases/${cb.case.id}`, { headers: auth() })).json();
    expect(detail.state).toBe(cb.case.state);
    expect(detail.detection.score).toBe(cb.score);
  });

  const refusals: { name: string; send: (r: APIRequestContext) => Promise<APIResponse>; status: number; code: string; param?: string }[] = [
    { name: "an unknown signal id", send: async (r) => r.post("/api/v1/detect?signals=ela,bogus", { headers: { ...auth(), "content-type": "image/jpeg" }, data: await makeJpeg({ width: 64, height: 64, seed: 320 }) }), status: 400, code: "invalid_request", param: "signals" },
    { name: "heatmap URLs with retention=none", send: async (r) => r.post("/api/v1/detect?retention=none&include_heatmaps=urls", { headers: { ...auth(), "content-type": "image/jpeg" }, data: await makeJpeg({ width: 64, height: 64, seed: 321 }) }), status: 400, code: "invalid_request", param: "include_heatmaps" },
    { name: "metadata over 4 kB", send: async (r) => r.post("/api/v1/detect", { headers: auth(), data: { image_base64: (await makeJpeg({ width: 64, height: 64, seed: 322 })).toString("base64"), metadata: { x: "y".repeat(5000) } } }), status: 400, code: "invalid_request", param: "metadata" },
    { name: "both image_url and image_base64", send: (r) => r.post("/api/v1/detect", { headers: auth(), data: { image_url: "http://example.com/a.jpg", image_base64: "AAAA" } }), status: 400, code: "invalid_request", param: "image_url" },
    { name: "not an image", send: (r) => r.post("/api/v1/detect", { headers: auth(), multipart: { image: { name: "x.png", mimeType: "image/png", buffer: Buffer.from("hello") } } }), status: 415, code: "image_unsupported_format", param: "image" },
    { name: "a text/plain body", send: (r) => r.post("/api/v1/detect", { headers: { ...auth(), "content-type": "text/plain" }, data: "hello" }), status: 415, code: "image_unsupported_format" },
  ];
  for (const c of refusals) {
    test(`refuses ${c.name}`, async ({ request }) => {
      const res = await c.send(request);
      expect(res.status()).toBe(c.status);
      expect(await res.json()).toEqual({ error: { code: c.code, message: expect.any(String), request_id: REQUEST_ID, ...(c.param ? { param: c.param } : {}) } });
    });
  }
});

test.describe("image URLs never reach private addresses", () => {
  const to = (target: string) => () => `${origin}/redirect?to=${encodeURIComponent(target)}`;
  const at = (host: string) => () => `http://${host}:${receiverPort}/a.jpg`;
  const attempts: [string, () => string][] = [
    ["loopback 127.0.0.1 (on a port other than the test's)", at("127.0.0.1")],
    ["loopback 127.0.0.1 as hex 0x7f000001", at("0x7f000001")],
    ["loopback 127.0.0.1 as a decimal 2130706433", at("2130706433")],
    ["IPv6 loopback [::1]", at("[::1]")],
    ["IPv4-mapped loopback [::ffff:127.0.0.1]", at("[::ffff:127.0.0.1]")],
    ["a DNS name resolving to loopback (localhost)", at("localhost")],
    ["a redirect to loopback on another port", () => to(`http://127.0.0.1:${receiverPort}/a.jpg`)()],
    ["a redirect to a DNS name resolving to loopback", () => to(`http://localhost:${receiverPort}/a.jpg`)()],
    ["cloud metadata 169.254.169.254", () => "http://169.254.169.254/latest/meta-data/"],
    ["private 10.0.0.1", () => "http://10.0.0.1/a.jpg"],
    ["private 10.0.0.1 as hex 0x0a000001", () => "http://0x0a000001/a.jpg"],
    ["private 10.0.0.1 as a decimal 167772161", () => "http://167772161/a.jpg"],
    ["private 192.168.1.1", () => "http://192.168.1.1/a.jpg"],
    ["CGNAT 100.64.0.1", () => "http://100.64.0.1/a.jpg"],
    ["0.0.0.0 (this host on Linux)", () => `http://0.0.0.0:${new URL(origin).port}/photo.jpg`],
    ["IPv6 metadata [fd00:ec2::254]", () => "http://[fd00:ec2::254]/latest/"],
    ["IPv4-mapped metadata [::ffff:169.254.169.254]", () => "http://[::ffff:169.254.169.254]/latest/"],
    ["IPv6 link-local [fe80::1]", () => "http://[fe80::1]/a.jpg"],
    ["a redirect to 10.0.0.1", to("http://10.0.0.1/a.jpg")],
    ["a redirect to the metadata address", to("http://169.254.169.254/latest/meta-data/")],
    ["a redirect to 0.0.0.0", to(`http://0.0.0.0:${80}/`)],
    ["a file URL", () => "file:///etc/passwd"],
    ["a gopher URL", () => "gopher://127.0.0.1:6379/_INFO"],
  ];
  for (const [name, url] of attempts) {
    test(`refuses ${name}`, async ({ request }) => {
      const before = receiverHits;
      const res = await request.post("/api/v1/detect", { headers: auth(), data: { image_url: url() } });
      expect(res.status()).toBe(422);
      expect(await res.json()).toEqual({ error: { code: "image_unfetchable", message: expect.any(String), param: "image_url", request_id: REQUEST_ID } });
      // Nothing connected to the loopback receiver (where the loopback attempts point).
      expect(receiverHits).toBe(before);
    });
  }

  test("a refused address is not requested (only the redirecting hop reaches the server)", async ({ request }) => {
    const before = hits;
    await request.post("/api/v1/detect", { headers: auth(), data: { image_url: `${origin}/redirect?to=${encodeURIComponent("http://10.0.0.1/")}` } });
    expect(hits - before).toBe(1);
  });
});

test.describe("POST /api/v1/detect/batch", () => {
  test("multipart: per-item results and errors in input order (207)", async ({ request }) => {
    const a = await makeJpeg({ width: 120, height: 100, seed: 330 });
    const b = await makePng({ width: 100, height: 120, seed: 331 });
    // Playwright's multipart takes one value per name; a hand-built body repeats `image`.
    const boundary = "----loupe-batch";
    const part = (name: string, filename: string, type: string, body: Buffer) =>
      Buffer.concat([Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="${name}"; filename="${filename}"\r\ncontent-type: ${type}\r\n\r\n`), body, Buffer.from("\r\n")]);
    const body = Buffer.concat([
      part("image", "a.jpg", "image/jpeg", a),
      part("file", "bad.png", "image/png", Buffer.from("not an image")),
      part("image", "b.png", "image/png", b),
      Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="signals"\r\n\r\njpeg,ela\r\n--${boundary}--\r\n`),
    ]);
    const res = await request.post("/api/v1/detect/batch", { headers: { ...auth(), "content-type": `multipart/form-data; boundary=${boundary}` }, data: body });
    expect(res.status()).toBe(207);
    const out = await res.json();
    expect(out).toMatchObject({ succeeded: 2, failed: 1, request_id: REQUEST_ID });
    expect(out.data.map((d: { index: number; status: number }) => [d.index, d.status])).toEqual([
      [0, 200],
      [1, 415],
      [2, 200],
    ]);
    expect(out.data[0].result.hashes.sha256).toBe(sha256(a));
    expect(Object.keys(out.data[0].result.signals)).toEqual(["jpeg", "ela"]);
    expect(out.data[1].error).toMatchObject({ code: "image_unsupported_format", param: "items.1.file", request_id: REQUEST_ID });
    expect(out.data[2].result.hashes.sha256).toBe(sha256(b));
  });

  test("JSON: good items, a refused URL, a malformed item, per-item metadata", async ({ request }) => {
    const a = await makeJpeg({ width: 110, height: 90, seed: 332 });
    served.set("/batch.jpg", await makeJpeg({ width: 90, height: 110, seed: 333 }));
    const res = await request.post("/api/v1/detect/batch?signals=jpeg", {
      headers: auth(),
      data: {
        items: [
          { image_base64: a.toString("base64"), metadata: { n: 0 } },
          { image_url: "http://169.254.169.254/latest/meta-data/" },
          { metadata: { n: 2 } },
          { image_url: `${origin}/batch.jpg`, metadata: { n: 3 } },
        ],
      },
    });
    expect(res.status()).toBe(207);
    const out = await res.json();
    expect(out.data.map((d: { status: number; error?: { code: string; param?: string } }) => [d.status, d.error?.code ?? null, d.error?.param ?? null])).toEqual([
      [200, null, null],
      [422, "image_unfetchable", "items.1.image_url"],
      [400, "invalid_request", "items.2.image_url"],
      [200, null, null],
    ]);
    expect(out.data[0].result.metadata).toEqual({ n: 0 });
    expect(out.data[3].result.metadata).toEqual({ n: 3 });
  });

  test("more than 100 images is too_many_files", async ({ request }) => {
    const items = Array.from({ length: 101 }, () => ({ image_base64: "AAAA" }));
    const res = await request.post("/api/v1/detect/batch", { headers: auth(), data: { items } });
    expect(res.status()).toBe(400);
    expect(await res.json()).toEqual({ error: { code: "too_many_files", message: expect.stringContaining("100"), param: "items", request_id: REQUEST_ID } });
  });
});

test("POST /api/v1/forensics returns the ELA, noise and ml maps as PNGs", async ({ request }) => {
  const res = await request.post("/api/v1/forensics", { headers: auth(), multipart: { image: { name: "f.jpg", mimeType: "image/jpeg", buffer: await makeJpeg({ width: 200, height: 160, seed: 340 }) } } });
  expect(res.status()).toBe(200);
  const body = await res.json();
  expect(Object.keys(body.maps).sort()).toEqual(["ela", "ml", "noise"]);
  for (const id of ["ela", "noise", "ml"]) {
    expect(body.maps[id]).toMatchObject({ summary: expect.any(String), heatmap: { label: expect.any(String), data_url: expect.stringMatching(/^data:image\/png;base64,/) } });
  }
  expect(body.image).toMatchObject({ format: "jpeg", width: 200, height: 160 });
});

test("POST /api/v1/c2pa/verify reports the manifest, its signer, actions and AI declaration", async ({ request }) => {
  const signed = await signJpeg(await makeJpeg({ width: 160, height: 120, seed: 350 }), makeTestCa(), { digitalSourceType: "trainedAlgorithmicMedia", softwareAgent: "Test Diffusion", claimGenerator: "Loupe e2e" });
  const res = await request.post("/api/v1/c2pa/verify", { headers: { ...auth(), "content-type": "image/jpeg" }, data: signed });
  expect(res.status()).toBe(200);
  const { c2pa } = await res.json();
  expect(c2pa).toMatchObject({
    checked: true,
    manifest_present: true,
    validation_state: expect.stringMatching(/^(valid|invalid)$/),
    claim_generator: expect.stringContaining("Loupe e2e"),
    signer: expect.any(Object),
    ai_declared: true,
    ai_declaration: { source_type: "trainedAlgorithmicMedia", action: "c2pa.created", software_agent: "Test Diffusion" },
    actions: [{ action: "c2pa.created", software_agent: "Test Diffusion", digital_source_type: "trainedAlgorithmicMedia" }],
  });
  const plain = await (await request.post("/api/v1/c2pa/verify", { headers: { ...auth(), "content-type": "image/jpeg" }, data: await makeJpeg({ width: 80, height: 80, seed: 351 }) })).json();
  expect(plain.c2pa).toMatchObject({ checked: true, manifest_present: false, validation_state: null, ai_declared: false, actions: [] });
});
