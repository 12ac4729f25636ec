// An admin tries thresholds on a policy: the preview replays the last 30 days' cases and moves the
// operating point on the ROC curve as the slider moves, before anything is saved.
import { expect, test } from "@playwright/test";
import { makeJpeg, makePng } from "../../lib/detection/testing";
import { E2E_ADMIN } from "../../playwright.config";
import { signIn } from "../support/session";

test("moving a policy's threshold changes the preview counts live", async ({ page }, testInfo) => {
  await signIn(page, E2E_ADMIN.email, E2E_ADMIN.password);
  await page.goto("/upload");
  await page.getByTestId("file-input").setInputFiles([
    { name: "policy-a.jpg", mimeType: "image/jpeg", buffer: await makeJpeg({ width: 512, height: 384, seed: 611 }) },
    { name: "policy-b.png", mimeType: "image/png", buffer: await makePng({ width: 384, height: 384, seed: 612 }) },
  ]);
  await expect(page.getByTestId("upload-summary")).toHaveText("2 uploaded · 0 failed · 0 in progress");
  // Wait until both are scanned (the queue lists them as quarantined or cleared).
  await expect(async () => {
    await page.goto("/queue?q=policy-");
    for (const name of ["policy-a.jpg", "policy-b.png"]) {
      await expect(page.getByRole("row").filter({ hasText: name }).first()).toContainText(/quarantined|cleared/i, { timeout: 1000 });
    }
  }).toPass({ timeout: 60_000 });

  await page.goto("/admin/policies");
  const policy = page.getByTestId("policy").first();
  await policy.getByLabel("Inconclusive verdicts").selectOption("clear");
  const slider = policy.getByLabel("Try a threshold");
  const counts = async () => ({
    q: Number(await policy.getByTestId("preview-quarantined").textContent()),
    c: Number(await policy.getByTestId("preview-cleared").textContent()),
  });
  await slider.focus();
  await page.keyboard.press("End");
  await expect(policy.getByLabel("Quarantine at score ≥")).toHaveValue("100");
  const strict = await counts();
  await page.keyboard.press("Home");
  await expect(policy.getByLabel("Quarantine at score ≥")).toHaveValue("1");
  const loose = await counts();
  expect(strict.q + strict.c).toBeGreaterThanOrEqual(2);
  expect(loose.q + loose.c).toBe(strict.q + strict.c);
  // Scanned images score above 1 and below 100: the low threshold quarantines more.
  expect(loose.q).toBeGreaterThan(strict.q);
  const file = testInfo.outputPath("policy-editor.png");
  await page.screenshot({ path: file, fullPage: true });
  await testInfo.attach("policy-editor", { path: file, contentType: "image/png" });
});
