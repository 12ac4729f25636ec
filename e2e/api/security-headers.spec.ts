// Security headers on every page and API route: a nonce CSP on pages (fresh per request), a
// nothing-runs CSP on the API, and the framing, sniffing, referrer and permissions headers on both.
import { expect, test } from "@playwright/test";

const PAGES = ["/", "/sign-in", "/queue", "/upload", "/settings/api-keys", "/settings/account", "/admin/users", "/admin/policies", "/admin/audit", "/admin/dashboard", "/cases/case_missing", "/forbidden", "/docs/api", "/no-such-page"];
const API = ["/api/v1/health", "/api/v1/cases", "/api/v1/cases/case_missing", "/api/v1/cases/case_missing/image", "/api/v1/cases/case_missing/heatmaps/ela", "/api/v1/nowhere", "/api/v1/openapi.json"];

const COMMON = {
  "x-frame-options": "DENY",
  "x-content-type-options": "nosniff",
  "referrer-policy": "strict-origin-when-cross-origin",
  "permissions-policy": expect.stringContaining("camera=()"),
};

test("every page carries a nonce CSP (a new nonce each time) and the common headers", async ({ request }) => {
  const nonces = new Set<string>();
  for (const path of PAGES) {
    const res = await request.get(path, { maxRedirects: 0 });
    const h = res.headers();
    expect({ path, ...h }).toMatchObject({ path, ...COMMON });
    const csp = h["content-security-policy"] ?? "";
    expect(csp, path).toContain("frame-ancestors 'none'");
    expect(csp, path).toContain("object-src 'none'");
    const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
    expect(nonce, path).toBeTruthy();
    nonces.add(nonce!);
  }
  expect(nonces.size).toBe(PAGES.length);
  expect((await request.get("/sign-in")).headers()["strict-transport-security"]).toBeUndefined(); // plain HTTP here
});

// The proxy skips /api/v1 (lib/security-headers.ts): the API layer sets these on every answer, errors,
// wrong methods, unknown paths and uploads included.
const API_CALLS: [method: "GET" | "POST" | "DELETE" | "HEAD", path: string][] = [
  ...API.map((path) => ["GET", path] as ["GET", string]),
  ["HEAD", "/api/v1/health"],
  ["GET", "/api/v1/usage"],
  ["GET", "/api/v1/events"],
  ["GET", "/api/v1/jobs/job_missing"],
  ["POST", "/api/v1/detect"],
  ["POST", "/api/v1/detect/batch"],
  ["POST", "/api/v1/nowhere"],
  ["DELETE", "/api/v1/health"],
  ["DELETE", "/api/v1/cases/case_missing"],
  ["GET", "/api/v1/cases/export"],
  ["POST", "/api/v1/cases/case_missing/notes"],
  ["GET", "/api/v1/lists/lst_missing/export"],
];

test("every API route carries a CSP that runs and loads nothing, and the common headers", async ({ request }) => {
  for (const [method, path] of API_CALLS) {
    const res = await request.fetch(path, { method, data: method === "POST" ? Buffer.from("not an image") : undefined });
    expect({ method, path, ...res.headers() }).toMatchObject({ method, path, ...COMMON, "content-security-policy": "default-src 'none'; frame-ancestors 'none'" });
  }
});
