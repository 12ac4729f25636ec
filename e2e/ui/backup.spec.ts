// Backup from the admin menu: the page's button downloads a gzipped backup of the running installation
// (its first member the manifest), the download is listed under "Recent downloads", and an editor is
// turned away from both the page and the download. Scheduled backups (on in the e2e servers,
// LOUPE_BACKUP_DIR): the one made at start is listed, exactly one even with four processes (the
// cluster run), and "Back up now" writes another into the directory.
import { existsSync, statSync } from "node:fs";
import { Readable } from "node:stream";
import { gunzipSync } from "node:zlib";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { MANIFEST_NAME } from "../../lib/backup/format";
import { readTar } from "../../lib/backup/tar";
import { E2E_ADMIN, E2E_CLUSTER } from "../../playwright.config";
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
  for (const url of ["/api/admin/backup", "/api/admin/backup/status"]) {
    const res = await page.request.get(url);
    expect(res.status(), url).toBe(403);
    expect((await res.json()).error.code).toBe("forbidden");
  }
});

test("the schedule's first backup is listed, and Back up now writes another", async ({ page }) => {
  const dir = path.resolve(E2E_CLUSTER ? "data/multi/backups" : "data/e2e/backups");
  await signIn(page, E2E_ADMIN.email, E2E_ADMIN.password);
  await page.goto("/admin/backup");
  await expect(page.getByTestId("backup-schedule")).toContainText(`Every day into ${dir}, keeping the newest 7, images included`);
  const scheduled = page.getByTestId("backup-run").filter({ hasNotText: "(manual)" });
  // Made at start, by one process of however many run.
  await expect(scheduled).toHaveCount(1);
  await expect(scheduled.first()).toContainText("succeeded");

  const manual = page.getByTestId("backup-run").filter({ hasText: "(manual)" });
  const before = await manual.count();
  await page.getByRole("button", { name: "Back up now" }).click();
  await expect(manual).toHaveCount(before + 1);
  // The page follows the run until it ends.
  const row = manual.first();
  await expect(row).toContainText("succeeded", { timeout: 60_000 });
  const name = (await row.getByRole("cell").nth(2).innerText()).trim();
  expect(name).toMatch(/^loupe-backup-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\dZ\.tar\.gz$/);
  const file = path.join(dir, name);
  expect(existsSync(file)).toBe(true);
  expect(statSync(file).mode & 0o777).toBe(0o600);
  const tar = gunzipSync(await readFile(file));
  const names: string[] = [];
  for await (const m of readTar(Readable.from([tar]))) names.push(m.name);
  expect(names[0]).toBe(MANIFEST_NAME);
  expect(names).toContain("db/scheduled_backups/000001.jsonl");

  // What a monitor reads.
  const status = await (await page.request.get("/api/admin/backup/status")).json();
  expect(status).toMatchObject({ healthy: true, schedule: { dir, interval_hours: 24, keep: 7, blobs: true }, last_success: { file } });
  expect(status.runs.filter((r: { manual: boolean }) => !r.manual)).toHaveLength(1);
});
