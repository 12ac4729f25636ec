// API keys against the running server, keys made on the admin's All keys page. For every route in
// the shared table (e2e/support/api-routes.ts): no key → 401, a revoked key → 401, a key without the
// route's scope → 403, a test key → served (with request id and rate-limit headers). Then a key's
// limit set low on the page trips 429 with Retry-After; an Idempotency-Key replays the same answer
// and refuses another body; usage and the monthly quota (402); rotation keeps the old key for its grace.
import { expect, test, type APIRequestContext } from "@playwright/test";
import { API_KEY_SCOPES, type ApiKeyScope } from "../../db/schema/enums";
import { makeJpeg } from "../../lib/detection/testing";
import { E2E_ADMIN } from "../../playwright.config";
import { callRoute, routeFixtures, ROUTES, type RouteFixtures } from "../support/api-routes";
import { adminCreateApiKey, signIn } from "../support/session";

const OWNER = `${E2E_ADMIN.email} (admin)`;
const keys = { test: "", revoked: "", live: "" };
const lacking = {} as Record<ApiKeyScope, string>;
let fixtures: RouteFixtures = { caseId: "", jobId: "", heatmapUrl: "", listId: "", listEntryId: "" };

const auth = (key: string) => ({ authorization: `Bearer ${key}` });

test.beforeAll(async ({ browser, request }) => {
  const page = await browser.newPage();
  await signIn(page, E2E_ADMIN.email, E2E_ADMIN.password);
  keys.live = await adminCreateApiKey(page, { owner: OWNER, name: "keys-live" });
  keys.test = await adminCreateApiKey(page, { owner: OWNER, name: "keys-test", test: true });
  for (const scope of API_KEY_SCOPES) {
    lacking[scope] = await adminCreateApiKey(page, { owner: OWNER, name: `keys-no-${scope}`, scopes: API_KEY_SCOPES.filter((s) => s !== scope) });
  }
  keys.revoked = await adminCreateApiKey(page, { owner: OWNER, name: "keys-revoked" });
  const row = page.getByTestId("admin-key-row").filter({ hasText: "keys-revoked" });
  await row.getByRole("button", { name: "Revoke" }).click();
  await expect(row).toHaveCount(0);
  await page.close();
  fixtures = await routeFixtures(request, keys.live, 70, keys.live);
});

for (const r of ROUTES.filter((r) => r.scope)) {
  test(`keys and scopes: ${r.method} ${r.file}`, async ({ request }) => {
    for (const key of [null, keys.revoked]) {
      const res = await callRoute(request, r, fixtures, key);
      expect(res.status()).toBe(401);
      expect((await res.json()).error.code).toBe("unauthenticated");
    }
    const wrong = await callRoute(request, r, fixtures, lacking[r.scope!]);
    expect(wrong.status()).toBe(403);
    expect((await wrong.json()).error).toMatchObject({ code: "forbidden", message: expect.stringContaining(r.scope!) });
    expect(wrong.headers()["x-ratelimit-limit"]).toBeDefined();
    const ok = await callRoute(request, r, fixtures, keys.test);
    expect([200, 201, 202, 207]).toContain(ok.status());
    expect(ok.headers()["x-request-id"]).toMatch(/^req_/);
    expect(Number(ok.headers()["x-ratelimit-limit"])).toBeGreaterThan(0);
    expect(Number(ok.headers()["x-ratelimit-remaining"])).toBeGreaterThanOrEqual(0);
    expect(Number(ok.headers()["x-ratelimit-reset"])).toBeGreaterThanOrEqual(0);
  });
}

test("a key's rate limit, set low on the admin page, trips 429 with Retry-After", async ({ browser, request }) => {
  const page = await browser.newPage();
  await signIn(page, E2E_ADMIN.email, E2E_ADMIN.password);
  const key = await adminCreateApiKey(page, { owner: OWNER, name: "keys-ratelimited" });
  const form = page.getByTestId("admin-key-row").filter({ hasText: "keys-ratelimited" }).getByTestId("key-limits-form");
  await form.getByLabel("Requests per minute").fill("3");
  await form.getByRole("button", { name: "Save limits" }).click();
  await expect(form.getByRole("status")).toHaveText("Saved");
  await page.close();
  const remaining: string[] = [];
  for (let i = 0; i < 3; i++) {
    const res = await request.get("/api/v1/usage", { headers: auth(key) });
    expect(res.status()).toBe(200);
    expect(res.headers()["x-ratelimit-limit"]).toBe("3");
    remaining.push(res.headers()["x-ratelimit-remaining"]!);
  }
  expect(remaining).toEqual(["2", "1", "0"]);
  const res = await request.get("/api/v1/usage", { headers: auth(key) });
  expect(res.status()).toBe(429);
  expect((await res.json()).error.code).toBe("rate_limited");
  expect(res.headers()["x-ratelimit-remaining"]).toBe("0");
  expect(Number(res.headers()["retry-after"])).toBeGreaterThanOrEqual(1);
});

async function postImage(request: APIRequestContext, key: string, seed: number, idem?: string) {
  const headers = { ...auth(key), "content-type": "image/jpeg", ...(idem ? { "idempotency-key": idem } : {}) };
  return request.post("/api/v1/cases?filename=i.jpg", { headers, data: await makeJpeg({ width: 80, height: 64, seed }) });
}

test("an Idempotency-Key replays the same answer, and refuses a different body", async ({ request }) => {
  const idem = `idem-${Date.now()}`;
  const first = await postImage(request, keys.live, 71, idem);
  expect(first.status()).toBe(202);
  const again = await postImage(request, keys.live, 71, idem);
  expect(again.status()).toBe(202);
  expect(again.headers()["idempotent-replayed"]).toBe("true");
  expect(await again.text()).toBe(await first.text());
  expect(again.headers()["x-request-id"]).not.toBe(first.headers()["x-request-id"]);
  const other = await postImage(request, keys.live, 72, idem);
  expect(other.status()).toBe(409);
  expect((await other.json()).error.code).toBe("idempotency_conflict");
});

test("usage counts a live key's requests and images; the monthly quota answers 402", async ({ browser, request }) => {
  const page = await browser.newPage();
  await signIn(page, E2E_ADMIN.email, E2E_ADMIN.password);
  const key = await adminCreateApiKey(page, { owner: OWNER, name: "keys-quota", monthlyImageQuota: 2 });
  await page.close();
  expect((await postImage(request, key, 73)).status()).toBe(202);
  const usage = await (await request.get("/api/v1/usage", { headers: auth(key) })).json();
  const mine = usage.data.find((u: { key: { prefix: string }; monthly_image_quota: number }) => key.startsWith(u.key.prefix) && u.monthly_image_quota === 2);
  expect(mine).toMatchObject({ images: 1, month: { images: 1, remaining_images: 1 } });
  expect(mine.requests).toBe(2); // the POST, and this GET (counted before its report is read)
  expect(mine.by_day).toHaveLength(1);
  expect((await postImage(request, key, 74)).status()).toBe(202);
  const over = await postImage(request, key, 75);
  expect(over.status()).toBe(402);
  expect((await over.json()).error.code).toBe("quota_exceeded");
  // Test keys are never counted, so never listed.
  const listed = await (await request.get("/api/v1/usage", { headers: auth(keys.test) })).json();
  expect(listed.data.some((u: { key: { prefix: string } }) => keys.test.startsWith(u.key.prefix))).toBe(false);
});

test("rotating a key on the admin page shows the new key; the old one works through its grace period", async ({ browser, request }) => {
  const page = await browser.newPage();
  await signIn(page, E2E_ADMIN.email, E2E_ADMIN.password);
  const old = await adminCreateApiKey(page, { owner: OWNER, name: "keys-rotated" });
  // Pinned by id: after the rotation the successor, with the same name, is listed first.
  const id = await page.getByTestId("admin-key-row").filter({ hasText: "keys-rotated" }).getAttribute("data-key-id");
  const row = page.locator(`[data-key-id="${id}"]`);
  await row.getByRole("button", { name: "Rotate" }).click();
  const fresh = (await row.getByTestId("api-key-secret").textContent())?.trim() ?? "";
  await page.close();
  expect(fresh).toMatch(/^lp_live_/);
  expect(fresh).not.toBe(old);
  for (const key of [old, fresh]) expect((await request.get("/api/v1/usage", { headers: auth(key) })).status()).toBe(200);
});
