// A moderator exports a filtered queue view: the Export CSV link downloads every case the view
// matches (beyond the page on screen), with the decision and its note; an editor has no such link
// and the route refuses them.
import { readFile } from "node:fs/promises";
import { expect, test, type Page } from "@playwright/test";
import { makeJpeg, parseCsv } from "../../lib/detection/testing";
import { EXPORT_COLUMNS } from "../../lib/cases/export-format";
import { E2E_ADMIN } from "../../playwright.config";
import { ensureUser, signIn, signOut } from "../support/session";

async function upload(page: Page, files: { name: string; buffer: Buffer }[]) {
  await page.goto("/upload");
  await page.getByTestId("file-input").setInputFiles(files.map((f) => ({ ...f, mimeType: "image/jpeg" })));
  await expect(page.getByTestId("upload-summary")).toHaveText(`${files.length} uploaded · 0 failed · 0 in progress`);
}

test("the queue's Export CSV downloads every case of the view, with decisions; editors cannot export", async ({ page, baseURL }) => {
  const tag = `export-${Date.now().toString(36)}`;
  const names = [`${tag}-a.jpg`, `${tag}-b.jpg`, `${tag}-c.jpg`];
  await signIn(page, E2E_ADMIN.email, E2E_ADMIN.password);
  await upload(page, await Promise.all(names.map(async (name, i) => ({ name, buffer: await makeJpeg({ width: 320, height: 240, seed: 9400 + i, quality: 90 }) }))));

  // One page of one case: the export still holds all three.
  await page.goto(`/queue?sort=newest&limit=1&q=${tag}`);
  await expect(page.getByTestId("queue-row")).toHaveCount(1);
  const rowOf = (name: string) => page.getByTestId("queue-row").filter({ hasText: name });
  await page.goto(`/queue?sort=newest&q=${tag}`);
  for (const name of names) await expect(rowOf(name)).toHaveAttribute("data-state", /^(quarantined|cleared)$/, { timeout: 90_000 });

  // Decide one, with a note that a CSV must quote.
  await rowOf(names[0]!).getByRole("link").click();
  const form = page.getByTestId("decision-form");
  await form.getByLabel(/Authentic/).check();
  await form.getByPlaceholder(/Note/).fill('matches "campaign 7", per desk');
  await form.getByRole("button", { name: "Record decision" }).click();
  await expect(page.getByTestId("state-badge").first()).toHaveAttribute("data-state", "reviewed");

  await page.goto(`/queue?sort=newest&limit=1&q=${tag}`);
  const link = page.getByTestId("export-csv");
  await expect(link).toHaveAttribute("href", `/api/v1/cases/export?q=${tag}&format=csv`);
  const [download] = await Promise.all([page.waitForEvent("download"), link.click()]);
  expect(download.suggestedFilename()).toMatch(/^loupe-cases-\d{8}-\d{4}\.csv$/);
  const records = parseCsv(await readFile(await download.path(), "utf8"));
  expect(records[0]).toEqual([...EXPORT_COLUMNS]);
  const rows = records.slice(1).map((r) => Object.fromEntries(EXPORT_COLUMNS.map((c, i) => [c, r[i]!])));
  expect(rows.map((r) => r.file_name).sort()).toEqual([...names].sort());
  const decided = rows.find((r) => r.file_name === names[0])!;
  expect(decided).toMatchObject({ state: "reviewed", decision: "authentic", decided_by: E2E_ADMIN.email, decision_note: 'matches "campaign 7", per desk', submitter: E2E_ADMIN.email, source: "upload" });
  expect(decided.case_url).toBe(`${baseURL}/cases/${decided.case_id}`);
  for (const r of rows) {
    expect(r.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(Number(r.score)).toBeGreaterThanOrEqual(0);
    expect(r.width).toBe("320");
  }
  // The view's filters apply: only the undecided two.
  const undecided = await page.request.get(`/api/v1/cases/export?q=${tag}&decision=none&format=jsonl`);
  expect(undecided.headers()).toMatchObject({
    "content-type": "application/x-ndjson; charset=utf-8",
    "cache-control": "no-store",
    // A streamed answer gets the API's headers too.
    "content-security-policy": "default-src 'none'; frame-ancestors 'none'",
    "x-request-id": expect.stringMatching(/^req_/),
  });
  const lines = (await undecided.text()).trimEnd().split("\n").map((l) => JSON.parse(l) as { file_name: string; decision: null });
  expect(lines.map((l) => l.file_name).sort()).toEqual(names.slice(1).sort());
  const bad = await page.request.get(`/api/v1/cases/export?format=xlsx`);
  expect(bad.status()).toBe(400);
  expect((await bad.json()).error).toMatchObject({ code: "invalid_request", param: "format" });

  // An editor sees the queue but no export, and the route answers 403.
  const editor = { email: `${tag}-editor@e2e.test`, password: "editor-password-1", role: "editor" as const };
  await ensureUser(page, editor);
  await signOut(page);
  await signIn(page, editor.email, editor.password);
  await page.goto("/queue");
  await expect(page.getByTestId("queue-filters")).toBeVisible();
  await expect(page.getByTestId("queue-export")).toHaveCount(0);
  expect((await page.request.get("/api/v1/cases/export")).status()).toBe(403);
});
