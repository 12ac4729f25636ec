// Authentication and authorization, checked once per REST route and written once: no credentials →
// 401, a revoked key → 401, a role without the permission → 403, a role with it → not 401/403.
// Every route file under app/api/v1 must appear in the table, so a new route cannot skip the checks.
import { readdirSync, statSync } from "node:fs";
import path from "node:path";
import { expect, test, type APIRequestContext } from "@playwright/test";
import { makeJpeg } from "../../lib/detection/testing";
import { E2E_ADMIN } from "../../playwright.config";
import { createApiKey, ensureUser, signIn, signOut } from "../support/session";

const EDITOR = { email: "auth-editor@e2e.test", password: "auth-editor-pass", role: "editor" as const };
const keys = { admin: "", editor: "", revoked: "" };
let caseId = "";
let heatmapUrl = "";

type Role = "editor" | "admin";
interface RouteCase {
  /** The route file, relative to app/api/v1. */
  file: string;
  method: "GET" | "POST";
  path: () => string;
  /** The least role allowed; null for public routes. */
  minRole: Role | null;
  /** What a public route answers without credentials. */
  publicStatus?: number;
  body?: () => Promise<Record<string, unknown>>;
}

const ROUTES: RouteCase[] = [
  { file: "health/route.ts", method: "GET", path: () => "/api/v1/health", minRole: null, publicStatus: 200 },
  { file: "[...path]/route.ts", method: "GET", path: () => "/api/v1/no/such/endpoint", minRole: null, publicStatus: 404 },
  { file: "cases/route.ts", method: "GET", path: () => "/api/v1/cases", minRole: "editor" },
  { file: "cases/route.ts", method: "POST", path: () => "/api/v1/cases", minRole: "editor" },
  { file: "cases/[id]/route.ts", method: "GET", path: () => `/api/v1/cases/${caseId}`, minRole: "editor" },
  { file: "cases/[id]/image/route.ts", method: "GET", path: () => `/api/v1/cases/${caseId}/image`, minRole: "editor" },
  { file: "cases/[id]/heatmaps/[signal]/route.ts", method: "GET", path: () => `/api/v1/cases/${caseId}/heatmaps/ela`, minRole: "editor" },
  { file: "cases/[id]/decision/route.ts", method: "POST", path: () => `/api/v1/cases/${caseId}/decision`, minRole: "admin" },
  { file: "detect/route.ts", method: "POST", path: () => "/api/v1/detect", minRole: "editor" },
  { file: "detect/batch/route.ts", method: "POST", path: () => "/api/v1/detect/batch", minRole: "editor" },
  { file: "forensics/route.ts", method: "POST", path: () => "/api/v1/forensics", minRole: "editor" },
  { file: "c2pa/verify/route.ts", method: "POST", path: () => "/api/v1/c2pa/verify", minRole: "editor" },
  { file: "detections/[id]/heatmaps/[signal]/route.ts", method: "GET", path: () => heatmapUrl, minRole: "editor" },
];

/** Routes that take one image in an `image` part. */
const IMAGE_ROUTES = new Set(["detect/route.ts", "detect/batch/route.ts", "forensics/route.ts", "c2pa/verify/route.ts"]);

function routeFiles(dir: string, base = dir): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = path.join(dir, n);
    return statSync(p).isDirectory() ? routeFiles(p, base) : n === "route.ts" ? [path.relative(base, p)] : [];
  });
}

async function call(request: APIRequestContext, r: RouteCase, key: string | null) {
  const headers: Record<string, string> = key ? { authorization: `Bearer ${key}` } : {};
  if (r.method === "GET") return request.get(r.path(), { headers });
  if (IMAGE_ROUTES.has(r.file)) {
    return request.post(r.path(), { headers, multipart: { image: { name: "a.jpg", mimeType: "image/jpeg", buffer: await makeJpeg({ width: 96, height: 96, seed: 62 }) } } });
  }
  if (r.file === "cases/route.ts") {
    return request.post(r.path(), { headers, multipart: { file: { name: "a.jpg", mimeType: "image/jpeg", buffer: await makeJpeg({ width: 96, height: 96, seed: 61 }) } } });
  }
  return request.post(r.path(), { headers, data: { outcome: "needs_more_info", note: "route auth check" } });
}

test.beforeAll(async ({ browser, request }) => {
  const page = await browser.newPage();
  await signIn(page, E2E_ADMIN.email, E2E_ADMIN.password);
  await ensureUser(page, EDITOR);
  keys.admin = await createApiKey(page, "auth-admin");
  keys.revoked = await createApiKey(page, "auth-revoked");
  await page.goto("/settings/api-keys");
  const row = page.getByTestId("api-key-row").filter({ hasText: "auth-revoked" });
  await row.getByRole("button", { name: "Revoke" }).click();
  await expect(row).toHaveCount(0);
  await signOut(page);
  await signIn(page, EDITOR.email, EDITOR.password);
  keys.editor = await createApiKey(page, "auth-editor");
  await page.close();
  const res = await request.post("/api/v1/cases", {
    headers: { authorization: `Bearer ${keys.editor}` },
    multipart: { file: { name: "auth.jpg", mimeType: "image/jpeg", buffer: await makeJpeg({ width: 128, height: 96, seed: 60 }) } },
  });
  caseId = (await res.json()).id;
  const detected = await request.post("/api/v1/detect?include_heatmaps=urls", {
    headers: { authorization: `Bearer ${keys.editor}`, "content-type": "image/jpeg" },
    data: await makeJpeg({ width: 128, height: 96, seed: 63 }),
  });
  heatmapUrl = (await detected.json()).heatmaps.ela.url;
  await expect
    .poll(async () => (await (await request.get(`/api/v1/cases/${caseId}`, { headers: { authorization: `Bearer ${keys.editor}` } })).json()).state, { timeout: 60_000 })
    .toMatch(/^(quarantined|cleared)$/);
});

test("every route under app/api/v1 is in the table", () => {
  const files = routeFiles(path.resolve("app/api/v1")).sort();
  expect([...new Set(ROUTES.map((r) => r.file))].sort()).toEqual(files);
});

for (const r of ROUTES) {
  test(`${r.method} ${r.file}`, async ({ request }) => {
    if (r.minRole === null) {
      expect((await call(request, r, null)).status()).toBe(r.publicStatus);
      return;
    }
    for (const [key, status] of [
      [null, 401],
      [keys.revoked, 401],
    ] as const) {
      const res = await call(request, r, key);
      expect(res.status()).toBe(status);
      expect((await res.json()).error.code).toBe("unauthenticated");
    }
    if (r.minRole === "admin") {
      const res = await call(request, r, keys.editor);
      expect(res.status()).toBe(403);
      expect((await res.json()).error.code).toBe("forbidden");
    }
    const allowed = await call(request, r, r.minRole === "admin" ? keys.admin : keys.editor);
    expect([200, 202, 207]).toContain(allowed.status());
  });
}
