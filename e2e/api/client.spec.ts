// The typed client (lib/client) against the real server, and the real answers held against the OpenAPI
// document the server publishes (GET /api/v1/openapi.json): every JSON body below is checked, strictly
// (no undeclared fields), with the schema of its operation's response for its status.
import { expect, test } from "@playwright/test";
import { checkSchema } from "../../lib/api/json-schema-check";
import { createLoupeClient, LoupeApiError, type LoupeClient } from "../../lib/client";
import { makeJpeg, makePng } from "../../lib/detection/testing";
import { E2E_ADMIN, E2E_BASE_URL } from "../../playwright.config";
import { createApiKey, signIn } from "../support/session";

type Doc = { paths: Record<string, Record<string, { responses: Record<string, { $ref?: string; content?: Record<string, { schema: Record<string, unknown> }> }> }>> };
let doc: Doc;
let loupe: LoupeClient;
let key = "";
const REQUEST_ID = /^req_[0-9a-z]{22}$/;

/** The body conforms to what the document says `method path` answers with `status`. */
function expectConforms(path: string, method: string, status: number, body: unknown) {
  let response = doc.paths[path]?.[method]?.responses[String(status)];
  expect(response, `${method} ${path} documents ${status}`).toBeDefined();
  if (response?.$ref) response = checkRef(response.$ref) as typeof response;
  const schema = response?.content?.["application/json"]?.schema;
  expect(schema, `${method} ${path} ${status} has a JSON schema`).toBeDefined();
  expect(checkSchema(body, schema!, doc, "$", { strict: true }), `${method} ${path} ${status}`).toEqual([]);
}
const checkRef = (ref: string) => ref.slice(2).split("/").reduce<unknown>((n, p) => (n as Record<string, unknown>)[p], doc);

test.beforeAll(async ({ browser, request }) => {
  const res = await request.get("/api/v1/openapi.json");
  expect(res.status()).toBe(200);
  doc = await res.json();
  const page = await browser.newPage();
  await signIn(page, E2E_ADMIN.email, E2E_ADMIN.password);
  key = await createApiKey(page, "client-spec");
  await page.close();
  loupe = createLoupeClient({ baseUrl: E2E_BASE_URL, apiKey: key });
});

test("the document is public, OpenAPI 3.1, and names the scope of each operation", async ({ request }) => {
  const res = await request.get("/api/v1/openapi.json");
  expect(res.headers()["content-type"]).toContain("application/json");
  const body = await res.json();
  expect(body.openapi).toBe("3.1.0");
  expect(body.paths["/api/v1/detect"].post["x-loupe-scope"]).toBe("detect");
  expect(body.components.securitySchemes).toMatchObject({ bearer: { scheme: "bearer" }, apiKey: { in: "header", name: "x-api-key" } });
  expect((await request.post("/api/v1/openapi.json")).status()).toBe(405);
});

test("detect: raw bytes, then the same from the cache, then a File with create_case; all as documented", async () => {
  const jpeg = await makeJpeg({ width: 160, height: 120, seed: 3318 });
  const first = await loupe.detect(new Uint8Array(jpeg), { include_heatmaps: "urls", metadata: { order: "o-1" } });
  expect(first).toMatchObject({ cached: false, metadata: { order: "o-1" }, image: { format: "jpeg", bytes: jpeg.length } });
  expect(first.request_id).toMatch(REQUEST_ID);
  expectConforms("/api/v1/detect", "post", 200, first);
  const again = await loupe.detect(new Uint8Array(jpeg), { include_heatmaps: "urls", metadata: { order: "o-1" } });
  expect(again.cached).toBe(true);
  expect(again.score).toBe(first.score);
  expectConforms("/api/v1/detect", "post", 200, again);

  const png = await makePng({ width: 120, height: 100, seed: 3319 });
  const withCase = await loupe.detect(new File([new Uint8Array(png)], "client.png", { type: "image/png" }), { create_case: true, include_heatmaps: "inline", external_ref: "client-spec-detect" });
  expect(withCase.case?.id).toMatch(/^case_/);
  expect(withCase.heatmaps?.ela?.data_url).toMatch(/^data:image\/png;base64,/);
  expectConforms("/api/v1/detect", "post", 200, withCase);
});

test("an Idempotency-Key replays the first answer", async () => {
  const jpeg = await makeJpeg({ width: 100, height: 100, seed: 3320 });
  const a = await loupe.detect(new Uint8Array(jpeg), {}, { idempotencyKey: "client-spec-idem-1" });
  const b = await loupe.detect(new Uint8Array(jpeg), {}, { idempotencyKey: "client-spec-idem-1" });
  expect(b.request_id).toBe(a.request_id);
  const conflict = await loupe.detect(new Uint8Array(await makeJpeg({ width: 100, height: 100, seed: 3321 })), {}, { idempotencyKey: "client-spec-idem-1" }).catch((e: unknown) => e);
  expect(conflict).toBeInstanceOf(LoupeApiError);
  expect(conflict).toMatchObject({ status: 409, code: "idempotency_conflict", param: "Idempotency-Key" });
});

test("batch, forensics and c2pa/verify", async () => {
  const good = new Uint8Array(await makeJpeg({ width: 96, height: 96, seed: 3322 }));
  const batch = await loupe.detectBatch([good, new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 0])]);
  expect(batch).toMatchObject({ succeeded: 1, failed: 1 });
  expect(batch.data[1]).toMatchObject({ index: 1, error: { code: expect.stringMatching(/^image_/) } });
  expectConforms("/api/v1/detect/batch", "post", 207, batch);
  const forensics = await loupe.forensics(good);
  expect(Object.keys(forensics.maps).length).toBeGreaterThan(0);
  expectConforms("/api/v1/forensics", "post", 200, forensics);
  const c2pa = await loupe.verifyC2pa(good);
  expect(c2pa.c2pa.ai_declared).toBe(false);
  expectConforms("/api/v1/c2pa/verify", "post", 200, c2pa);
});

test("cases: create, wait for the scan, list by external_ref, report, decide, delete", async () => {
  const ref = `client-spec-${Date.now()}`;
  const created = await loupe.createCase(new Uint8Array(await makeJpeg({ width: 130, height: 100, seed: 3323 })), { external_ref: ref });
  expect(created).toMatchObject({ state: "pending_scan", external_ref: ref, deduplicated: false });
  expectConforms("/api/v1/cases", "post", 202, created);

  let detail = await loupe.getCase(created.id);
  for (let i = 0; i < 240 && !/^(quarantined|cleared|manual_review)$/.test(detail.state); i++) {
    await new Promise((r) => setTimeout(r, 250));
    detail = await loupe.getCase(created.id);
  }
  expect(detail.detection?.signals.length).toBeGreaterThan(0);
  // The same snake_case result shapes as /detect (attribution, timings, signal details).
  expect(Object.keys(detail.detection?.attribution ?? {}).sort()).toEqual(["alternatives", "confidence", "most_likely", "source"]);
  expect(detail.detection?.timings).toMatchObject({ decode_ms: expect.any(Number), total_ms: expect.any(Number) });
  expect(JSON.stringify(detail.detection?.signals.map((s) => Object.keys(s.details ?? {})))).not.toMatch(/"[a-z]+[A-Z]/);
  expectConforms("/api/v1/cases/{id}", "get", 200, detail);

  const list = await loupe.listCases({ external_ref: ref, limit: 5 });
  expect(list.data.map((c) => c.id)).toEqual([created.id]);
  expectConforms("/api/v1/cases", "get", 200, list);

  const report = await loupe.caseReport(created.id);
  expect(report.case.id).toBe(created.id);
  expectConforms("/api/v1/cases/{id}/report", "get", 200, report);

  const decided = await loupe.decide(created.id, { outcome: "confirmed_ai", note: "client spec" });
  expect(decided).toMatchObject({ state: "reviewed" });
  expect(decided.decisions.at(-1)).toMatchObject({ outcome: "confirmed_ai", note: "client spec" });
  expectConforms("/api/v1/cases/{id}/decision", "post", 200, decided);
  // A reviewed case takes no second decision: a 409 in the envelope, thrown as LoupeApiError.
  await expect(loupe.decide(created.id, { outcome: "authentic" })).rejects.toMatchObject({ status: 409, code: expect.stringMatching(/^(invalid_transition|conflict)$/) });

  // Notes: written after the decision too, kept in order, in the case and its report.
  const note = await loupe.addCaseNote(created.id, "  The uploader confirmed it came from a generator.  ");
  expect(note).toMatchObject({ id: expect.stringMatching(/^note_/), body: "The uploader confirmed it came from a generator.", via_api_key: true });
  expectConforms("/api/v1/cases/{id}/notes", "post", 201, note);
  const noted = await loupe.getCase(created.id);
  expect(noted.notes).toEqual([note]);
  expectConforms("/api/v1/cases/{id}", "get", 200, noted);
  expect((await loupe.caseReport(created.id)).notes).toEqual([note]);
  await expect(loupe.addCaseNote(created.id, "   ")).rejects.toMatchObject({ status: 400, code: "invalid_request", param: "body" });

  const deleted = await loupe.deleteCase(created.id);
  expect(deleted).toMatchObject({ id: created.id, deleted: true });
  expectConforms("/api/v1/cases/{id}", "delete", 200, deleted);
  await expect(loupe.getCase(created.id)).rejects.toMatchObject({ status: 404, code: "not_found", requestId: expect.stringMatching(REQUEST_ID) });
});

test("async job: submitted, then completed with its detection", async () => {
  const job = await loupe.detectAsync(new Uint8Array(await makeJpeg({ width: 110, height: 90, seed: 3324 })), { metadata: { upload: "u-3318" } });
  expect(job).toMatchObject({ object: "job", status: "queued", metadata: { upload: "u-3318" }, webhook: null });
  expectConforms("/api/v1/detect/async", "post", 202, job);
  let current = await loupe.getJob(job.id);
  for (let i = 0; i < 240 && (current.status === "queued" || current.status === "running"); i++) {
    await new Promise((r) => setTimeout(r, 250));
    current = await loupe.getJob(job.id);
  }
  expect(current.status).toBe("completed");
  expect(current.result?.detection.verdict).toBeTruthy();
  expectConforms("/api/v1/jobs/{id}", "get", 200, current);
});

test("image lists: make one, add an image and hashes, page the entries, match a detection, remove, delete; all as documented", async () => {
  const name = `client-spec list ${Date.now().toString(36)}`;
  const list = await loupe.createImageList({ name, action: "quarantine", description: "known campaign images" });
  expect(list).toMatchObject({ name, action: "quarantine", entries: 0, created_by: E2E_ADMIN.email, auto_add_outcome: null });
  expectConforms("/api/v1/lists", "post", 201, list);
  await expect(loupe.createImageList({ name, action: "clear" })).rejects.toMatchObject({ status: 409, code: "conflict", param: "name" });

  // An image (kept as its hashes), sent twice, and a part that is not an image.
  const jpeg = await makeJpeg({ width: 224, height: 168, seed: 3391, quality: 92 });
  const added = await loupe.addImageListEntries(list.id, { images: [new Uint8Array(jpeg), new Uint8Array(jpeg), new Blob([new Uint8Array([1, 2, 3])])], note: "from the feed" });
  expect(added).toMatchObject({ added: 1, already_listed: 1, refused: [{ code: "image_unsupported_format" }], entries: [{ near_duplicates: true, note: "from the feed", dhash: expect.stringMatching(/^[0-9a-f]{16}$/) }] });
  expectConforms("/api/v1/lists/{id}/entries", "post", 201, added);
  const hashes = await loupe.addImageListEntries(list.id, { sha256: ["ab".repeat(32), "CD".repeat(32)] });
  expect(hashes).toMatchObject({ added: 2, entries: [{ near_duplicates: false, dhash: null }, { sha256: "cd".repeat(32) }] });
  const again = await loupe.addImageListEntries(list.id, { sha256: ["ab".repeat(32)] });
  expect([again.added, again.already_listed]).toEqual([0, 1]);
  expectConforms("/api/v1/lists/{id}/entries", "post", 200, again);
  await expect(loupe.addImageListEntries(list.id, { sha256: ["ab".repeat(32), "nope"] })).rejects.toMatchObject({ status: 400, code: "invalid_request", param: "sha256.1" });
  await expect(loupe.addImageListEntries("lst_missing", { sha256: ["ab".repeat(32)] })).rejects.toMatchObject({ status: 404, code: "not_found" });

  const page1 = await loupe.listImageListEntries(list.id, { limit: 2 });
  expect(page1.data).toHaveLength(2);
  expect(page1.next_cursor).not.toBeNull();
  expectConforms("/api/v1/lists/{id}/entries", "get", 200, page1);
  const page2 = await loupe.listImageListEntries(list.id, { limit: 2, cursor: page1.next_cursor! });
  expect(page2).toMatchObject({ data: [{ id: added.entries[0]!.id }], next_cursor: null });
  const got = await loupe.getImageList(list.id);
  expect(got.entries).toBe(3);
  expectConforms("/api/v1/lists/{id}", "get", 200, got);
  // Which decisions add images by themselves: on, then off again at once (other specs decide cases
  // meanwhile, and this list must not collect their images).
  const auto = await loupe.updateImageList(list.id, { auto_add_outcome: "confirmed_ai", description: "known campaign images and what review confirms" });
  expect(auto).toMatchObject({ id: list.id, auto_add_outcome: "confirmed_ai", description: "known campaign images and what review confirms", entries: 3 });
  expectConforms("/api/v1/lists/{id}", "patch", 200, auto);
  expect((await loupe.updateImageList(list.id, { auto_add_outcome: null })).auto_add_outcome).toBeNull();
  await expect(loupe.updateImageList(list.id, { auto_add_outcome: "needs_more_info" as never })).rejects.toMatchObject({ status: 400, code: "invalid_request", param: "auto_add_outcome" });
  await expect(loupe.updateImageList(list.id, {})).rejects.toMatchObject({ status: 400, code: "invalid_request" });
  // Catching up needs an outcome to catch up with.
  await expect(loupe.updateImageList(list.id, { backfill: true })).rejects.toMatchObject({ status: 400, code: "invalid_request", param: "backfill" });
  await expect(loupe.updateImageList("lst_missing", { description: "x" })).rejects.toMatchObject({ status: 404, code: "not_found" });
  const all = await loupe.listImageLists();
  expect(all.data.some((l) => l.id === list.id)).toBe(true);
  expectConforms("/api/v1/lists", "get", 200, all);

  // A recompressed copy is a near-duplicate: POST /detect names the list, and the list decides the outcome.
  // (Against several web processes, another one may take up to a second to see that lists have entries.)
  const copyBytes = new Uint8Array(await makeJpeg({ width: 224, height: 168, seed: 3391, quality: 60 }));
  let copy = await loupe.detect(copyBytes);
  await expect.poll(async () => (copy = await loupe.detect(copyBytes)).list_matches.length, { timeout: 5000 }).toBe(1);
  expect(copy.list_matches).toEqual([{ list_id: list.id, list_name: name, action: "quarantine", entry_id: added.entries[0]!.id, match: "near_duplicate", distance: expect.any(Number), note: "from the feed" }]);
  expect(copy.policy).toMatchObject({ outcome: "quarantined", list_id: list.id });
  expectConforms("/api/v1/detect", "post", 200, copy);

  const removed = await loupe.deleteImageListEntry(list.id, added.entries[0]!.id);
  expect(removed).toEqual({ id: added.entries[0]!.id, deleted: true });
  expectConforms("/api/v1/lists/{id}/entries/{entryId}", "delete", 200, removed);
  await expect(loupe.deleteImageListEntry(list.id, added.entries[0]!.id)).rejects.toMatchObject({ status: 404 });
  const after = await loupe.detect(new Uint8Array(await makeJpeg({ width: 224, height: 168, seed: 3391, quality: 60 })));
  expect(after.list_matches).toEqual([]);
  const deleted = await loupe.deleteImageList(list.id);
  expect(deleted).toEqual({ id: list.id, deleted: true, entries: 2 });
  expectConforms("/api/v1/lists/{id}", "delete", 200, deleted);
  await expect(loupe.getImageList(list.id)).rejects.toMatchObject({ status: 404, code: "not_found" });
});

test("usage and health", async () => {
  const usage = await loupe.usage();
  expect(usage.data.some((k) => k.key.name === "client-spec")).toBe(true);
  expectConforms("/api/v1/usage", "get", 200, usage);
  const health = await loupe.health();
  expect(health.status).toBe("ok");
  expectConforms("/api/v1/health", "get", 200, health);
});

test("errors: the envelope as documented, and as LoupeApiError from the client", async ({ request }) => {
  const auth = { authorization: `Bearer ${key}` };
  const cases: [path: string, docPath: string, method: "get" | "post", status: number][] = [
    ["/api/v1/cases/case_missing", "/api/v1/cases/{id}", "get", 404],
    ["/api/v1/usage?from=yesterday", "/api/v1/usage", "get", 400],
    ["/api/v1/no/such/endpoint", "/api/v1/{path}", "get", 404],
  ];
  for (const [path, docPath, method, status] of cases) {
    const res = await request.get(path, { headers: auth });
    expect(res.status(), path).toBe(status);
    expectConforms(docPath, method, status, await res.json());
  }
  const noKey = await request.get("/api/v1/usage");
  expect(noKey.status()).toBe(401);
  expectConforms("/api/v1/usage", "get", 401, await noKey.json());

  const bad = createLoupeClient({ baseUrl: E2E_BASE_URL, apiKey: "lp_live_not_a_key" });
  await expect(bad.usage()).rejects.toMatchObject({ name: "LoupeApiError", status: 401, code: "unauthenticated" });
  const err = (await loupe.detect(new Uint8Array([1, 2, 3, 4])).catch((e: unknown) => e)) as LoupeApiError;
  expect(err).toBeInstanceOf(LoupeApiError);
  expect(err.code).toMatch(/^image_/);
  expect(err.requestId).toMatch(REQUEST_ID);
});
