// Authentication and authorization, checked once per REST route and written once: no credentials →
// 401, a revoked key → 401, a role without the permission → 403, a role with it → not 401/403.
// Every route file under app/api/v1 must appear in the table (e2e/support/api-routes.ts), so a new
// route cannot skip the checks; e2e/api/keys.spec.ts runs the key and scope checks over the same table.
import { readdirSync, statSync } from "node:fs";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { E2E_ADMIN } from "../../playwright.config";
import { callRoute, routeFixtures, ROUTES, type RouteFixtures } from "../support/api-routes";
import { createApiKey, ensureUser, signIn, signOut } from "../support/session";

const EDITOR = { email: "auth-editor@e2e.test", password: "auth-editor-pass", role: "editor" as const };
const keys = { admin: "", editor: "", revoked: "" };
let fixtures: RouteFixtures = { caseId: "", jobId: "", heatmapUrl: "", listId: "", listEntryId: "" };

function routeFiles(dir: string, base = dir): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = path.join(dir, n);
    return statSync(p).isDirectory() ? routeFiles(p, base) : n === "route.ts" ? [path.relative(base, p)] : [];
  });
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
  fixtures = await routeFixtures(request, keys.editor, 60, keys.admin);
});

test("every route under app/api/v1 is in the table, with a scope unless public", () => {
  const files = routeFiles(path.resolve("app/api/v1")).sort();
  expect([...new Set(ROUTES.map((r) => r.file))].sort()).toEqual(files);
  expect(ROUTES.filter((r) => (r.minRole === null) === (r.scope !== undefined))).toEqual([]);
});

for (const r of ROUTES) {
  test(`${r.method} ${r.file}`, async ({ request }) => {
    if (r.minRole === null) {
      expect((await callRoute(request, r, fixtures, null)).status()).toBe(r.publicStatus);
      return;
    }
    for (const [key, status] of [
      [null, 401],
      [keys.revoked, 401],
    ] as const) {
      const res = await callRoute(request, r, fixtures, key);
      expect(res.status()).toBe(status);
      expect((await res.json()).error.code).toBe("unauthenticated");
    }
    if (r.minRole === "admin") {
      const res = await callRoute(request, r, fixtures, keys.editor);
      expect(res.status()).toBe(403);
      expect((await res.json()).error.code).toBe("forbidden");
    }
    const allowed = await callRoute(request, r, fixtures, r.minRole === "admin" ? keys.admin : keys.editor);
    expect([200, 201, 202, 207]).toContain(allowed.status());
  });
}
