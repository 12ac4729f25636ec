// Backup from the admin menu: the page's button downloads a gzipped backup of the running installation
// (its first member the manifest), the download is listed under "Recent downloads", and an editor is
// turned away from both the page and the download.
import { Readable } from "node:stream";
import { gunzipSync } from "node:zlib";
import { readFile } from "node:fs/promises";
import { expect, test } from "@playwright/test";
import { MANIFEST_NAME } from "../../lib/backup/format";
import { readTar } from "../../lib/backup/tar";
import { E2E_ADMIN } from "../../playwright.config";
import { ensureUser, signIn, signOut } from "../support/session";

const EDITOR = { email: "backup-editor@e2e.test", password: "backup-editor-pw", role: "editor" as const };

test("an admin downloads a backup from the Backup page, and sees it listed", async ({ page }) => {
  await signIn(page, E2E_ADMIN.email, E2E_ADMIN.password);
  await page.getByRole("link", { name: "Backup", exact: true }).click();
  await expect(page.getByRole("heading", { name: "Backup", level: 1 })).toBeVisible();
  const before = await page.getByTestId("backup-row").count();

  const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("backup-download").click()]);
  expect(download.suggestedFilename()).toMatch(/^loupe-backup-.*\.tar\.gz$/);
  const tar = gunzipSync(await readFile((await download.path())!));
  const names: string[] = [];
  for await (const m of readTar(Readable.from([tar]))) names.push(m.name);
  expect(names[0]).toBe(MANIFEST_NAME);
  expect(names).toContain("db/users/000001.jsonl");

  await page.reload();
  await expect(page.getByTestId("backup-row")).toHaveCount(Math.min(before + 1, 5));
  await expect(page.getByTestId("backup-row").first()).toContainText(E2E_ADMIN.email);
});

test("an editor may neither open the page nor download", async ({ page }) => {
  await signIn(page, E2E_ADMIN.email, E2E_ADMIN.password);
  await ensureUser(page, EDITOR);
  await signOut(page);
  await signIn(page, EDITOR.email, EDITOR.password);
  await expect(page.getByRole("link", { name: "Backup", exact: true })).toHaveCount(0);
  await page.goto("/admin/backup");
  await expect(page).toHaveURL(/\/forbidden$/);
  const res = await page.request.get("/api/admin/backup");
  expect(res.status()).toBe(403);
  expect((await res.json()).error.code).toBe("forbidden");
});
