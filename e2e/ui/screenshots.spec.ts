// The console's screenshots as test artifacts, at 1280 and 390 px wide: the queue (plain and with
// duplicates grouped), the case view (overlay, side by side, zoomed), the upload page with its
// progress rows, My submissions, the policy editor and the dashboard. Each is attached to the report
// and written under e2e/artifacts/screenshots/ (git-ignored). Along the way it checks what each
// picture is meant to show, so a broken page fails here rather than yielding a blank image.
import { mkdirSync } from "node:fs";
import path from "node:path";
import { expect, test, type Page, type TestInfo } from "@playwright/test";
import { makeJpeg } from "../../lib/detection/testing";
import { E2E_ADMIN, E2E_CLUSTER } from "../../playwright.config";
import { signIn } from "../support/session";

// Playwright runs from the repository root. The cluster run (lib/cli/test-multi.ts) writes beside the
// single-server run's pictures rather than over them.
const DIR = path.resolve("e2e", "artifacts", E2E_CLUSTER ? "screenshots-cluster" : "screenshots");

async function shot(page: Page, testInfo: TestInfo, name: string, fullPage = true) {
  mkdirSync(DIR, { recursive: true });
  const file = path.join(DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage });
  await testInfo.attach(name, { path: file, contentType: "image/png" });
}

async function caseState(page: Page, id: string): Promise<string> {
  const res = await page.request.get(`/api/v1/cases/${id}`);
  expect(res.ok()).toBe(true);
  return ((await res.json()) as { state: string }).state;
}

test("screenshots of the queue, case view, upload, submissions, policy editor and dashboard at 1280 and 390 px", async ({ page }, testInfo) => {
  test.setTimeout(300_000);
  await page.setViewportSize({ width: 1280, height: 800 });
  await signIn(page, E2E_ADMIN.email, E2E_ADMIN.password);

  // Three uploads of one picture (a duplicate group) and another picture, through the upload page.
  const photo = await makeJpeg({ width: 1200, height: 800, seed: 951 });
  await page.goto("/upload");
  await page.getByTestId("file-input").setInputFiles([
    { name: "shots-original.jpg", mimeType: "image/jpeg", buffer: photo },
    { name: "shots-again.jpg", mimeType: "image/jpeg", buffer: photo },
    { name: "shots-third.jpg", mimeType: "image/jpeg", buffer: photo },
    { name: "shots-other.jpg", mimeType: "image/jpeg", buffer: await makeJpeg({ width: 900, height: 1200, seed: 952 }) },
  ]);
  await expect(page.getByTestId("upload-summary")).toHaveText("4 uploaded · 0 failed · 0 in progress");
  const ids = await page.getByTestId("upload-case").getByRole("link").evaluateAll((els) => els.map((e) => e.getAttribute("href")!.split("/").pop()!));
  for (const id of ids) await expect.poll(() => caseState(page, id), { timeout: 120_000 }).toMatch(/^(quarantined|cleared)$/);
  const firstId = ids[ids.length - 1]!;

  for (const size of [
    { w: 1280, h: 800 },
    { w: 390, h: 844 },
  ]) {
    await page.setViewportSize({ width: size.w, height: size.h });
    await page.goto("/upload");
    await page.getByTestId("file-input").setInputFiles([
      { name: `shots-${size.w}.jpg`, mimeType: "image/jpeg", buffer: await makeJpeg({ width: 640, height: 480, seed: 960 + size.w }) },
      { name: "shots-broken.png", mimeType: "image/png", buffer: Buffer.from("not a png") },
    ]);
    await expect(page.getByTestId("upload-summary")).toHaveText("1 uploaded · 1 failed · 0 in progress");
    await shot(page, testInfo, `${size.w}-upload`);

    await page.goto("/submissions");
    await expect(page.getByTestId("submission").first()).toBeVisible();
    await shot(page, testInfo, `${size.w}-submissions`);

    await page.goto("/queue?sort=newest");
    await expect(page.getByTestId("queue-row").first()).toBeVisible();
    await shot(page, testInfo, `${size.w}-queue`);

    // Grouped: the three uploads of one picture are one row with "Show 2 duplicates".
    await page.goto("/queue?sort=newest&group=1&q=shots-");
    const toggle = page.getByTestId("group-toggle").first();
    await expect(toggle).toBeVisible();
    const members = Number(await toggle.getAttribute("data-size"));
    expect(members).toBeGreaterThanOrEqual(3);
    await toggle.press("Enter");
    await expect(toggle).toHaveAttribute("aria-expanded", "true");
    await expect(page.getByTestId("group-member")).toHaveCount(members);
    await shot(page, testInfo, `${size.w}-queue-grouped`);

    await page.goto(`/cases/${firstId}`);
    const viewer = page.getByTestId("case-viewer");
    await expect(page.getByTestId("heatmap-overlay")).toBeVisible();
    await shot(page, testInfo, `${size.w}-case-overlay`, false);
    await page.keyboard.press("s");
    await expect(viewer).toHaveAttribute("data-mode", "side");
    await shot(page, testInfo, `${size.w}-case-side-by-side`, false);
    await page.keyboard.press("s");
    await page.keyboard.press("z");
    await expect(viewer).toHaveAttribute("data-zoom", "1.000");
    await shot(page, testInfo, `${size.w}-case-zoomed`, false);

    await page.goto("/admin/policies");
    await expect(page.getByTestId("policy").first()).toBeVisible();
    await shot(page, testInfo, `${size.w}-policy-editor`);

    await page.goto("/admin/dashboard");
    await page.waitForLoadState("networkidle");
    await shot(page, testInfo, `${size.w}-dashboard`);
  }
});
