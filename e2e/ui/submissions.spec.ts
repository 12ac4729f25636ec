// Editors: the upload page sends each file with real progress (a progress bar per file that ends at
// 100 %), shows a refused file's error code with a Retry button, and announces outcomes in a live
// region; "My submissions" lists only the editor's own cases and follows them live: a moderator's
// decision shows up on the open page without a reload.
import { expect, test, type Page } from "@playwright/test";
import { makeJpeg, makePng } from "../../lib/detection/testing";
import { E2E_ADMIN } from "../../playwright.config";
import { ensureUser, signIn } from "../support/session";

const EDITOR = { email: "submissions-editor@e2e.test", password: "submissions-editor-pw", role: "editor" as const };
const OTHER = { email: "submissions-other@e2e.test", password: "submissions-other-pw", role: "editor" as const };

async function caseState(page: Page, id: string): Promise<string> {
  const res = await page.request.get(`/api/v1/cases/${id}`);
  expect(res.ok()).toBe(true);
  return ((await res.json()) as { state: string }).state;
}

test("an editor uploads with per-file progress and errors, then watches their own submissions change live", async ({ page, browser }) => {
  await signIn(page, E2E_ADMIN.email, E2E_ADMIN.password);
  await ensureUser(page, EDITOR);
  await ensureUser(page, OTHER);

  const edCtx = await browser.newContext();
  const ed = await edCtx.newPage();
  await signIn(ed, EDITOR.email, EDITOR.password);
  await ed.goto("/upload");
  await ed.getByTestId("file-input").setInputFiles([
    { name: "progress-photo.jpg", mimeType: "image/jpeg", buffer: await makeJpeg({ width: 1600, height: 1200, seed: 811 }) },
    { name: "not-an-image.png", mimeType: "image/png", buffer: Buffer.from("plain text pretending to be a PNG") },
  ]);
  await expect(ed.getByTestId("upload-summary")).toHaveText("1 uploaded · 1 failed · 0 in progress");
  const good = ed.getByTestId("upload-row").filter({ hasText: "progress-photo.jpg" });
  const bad = ed.getByTestId("upload-row").filter({ hasText: "not-an-image.png" });
  await expect(good.getByRole("progressbar", { name: "Upload of progress-photo.jpg" })).toHaveAttribute("aria-valuenow", "100");
  await expect(bad.getByTestId("upload-error")).toHaveAttribute("data-code", "image_unsupported_format");
  const caseId = (await good.getByRole("link").getAttribute("href"))!.split("/").pop()!;
  // The console's upload is recorded as an upload, by this editor.
  const created = (await (await ed.request.get(`/api/v1/cases/${caseId}`)).json()) as { source: string };
  expect(created.source).toBe("upload");
  // The row follows the case live, and the live region says so.
  await expect(good.getByTestId("upload-case")).toHaveAttribute("data-state", /^(quarantined|cleared)$/, { timeout: 90_000 });
  await expect(ed.getByTestId("upload-announcer")).toHaveText(/^progress-photo\.jpg: (Quarantined|Cleared)\.$/);
  // Retry is a real button, reachable by keyboard: a second upload, refused the same way, announced.
  await expect(bad).toHaveAttribute("data-attempts", "1");
  await bad.getByRole("button", { name: "Retry not-an-image.png" }).focus();
  await ed.keyboard.press("Enter");
  await expect(bad).toHaveAttribute("data-attempts", "2");
  await expect(bad).toHaveAttribute("data-status", "error");
  await expect(bad.getByTestId("upload-error")).toHaveAttribute("data-code", "image_unsupported_format");
  await expect(ed.getByTestId("upload-announcer")).toHaveText(/^not-an-image\.png failed: /);

  // Another editor's case: never on this editor's page.
  const otherCtx = await browser.newContext();
  const other = await otherCtx.newPage();
  await signIn(other, OTHER.email, OTHER.password);
  const res = await other.request.post("/api/v1/cases", { multipart: { file: { name: "someone-else.png", mimeType: "image/png", buffer: await makePng({ width: 300, height: 300, seed: 812 }) } } });
  expect(res.status()).toBe(202);
  const otherId = ((await res.json()) as { id: string }).id;

  await ed.goto("/submissions");
  const row = ed.locator(`[data-testid="submission"][data-case-id="${caseId}"]`);
  await expect(row).toBeVisible();
  await expect(row.getByTestId("submission-outcome")).toHaveText("No decision yet");
  await expect(ed.locator(`[data-testid="submission"][data-case-id="${otherId}"]`)).toHaveCount(0);
  // A marker on the window: it is gone if the page reloads.
  await ed.evaluate(() => ((window as unknown as { __sameDocument: boolean }).__sameDocument = true));

  // The admin decides the editor's case; the open page shows it without a reload.
  await expect.poll(() => caseState(page, caseId), { timeout: 90_000 }).toMatch(/^(quarantined|cleared)$/);
  const decided = await page.request.post(`/api/v1/cases/${caseId}/decision`, { data: { outcome: "authentic" } });
  expect(decided.ok()).toBe(true);
  await expect(row).toHaveAttribute("data-state", "reviewed");
  await expect(row.getByTestId("submission-outcome")).toHaveText("Decided: Authentic");
  expect(await ed.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true);
  await expect(ed.locator(`[data-testid="submission"][data-case-id="${otherId}"]`)).toHaveCount(0);

  // The other editor sees their own case and not this one.
  await other.goto("/submissions");
  await expect(other.locator(`[data-testid="submission"][data-case-id="${otherId}"]`)).toBeVisible();
  await expect(other.locator(`[data-testid="submission"][data-case-id="${caseId}"]`)).toHaveCount(0);
  await Promise.all([edCtx.close(), otherCtx.close()]);
});
