// Quick check: an image's verdict, maps and signals on the upload page without filing a case; "Send to
// review" then files it with that same result (the case is scanned already when it opens).
import { expect, test } from "@playwright/test";
import { makeJpeg } from "../../lib/detection/testing";
import { E2E_ADMIN } from "../../playwright.config";
import { signIn } from "../support/session";

test("quick check shows the verdict inline, and send to review files the case with it", async ({ page }, testInfo) => {
  await signIn(page, E2E_ADMIN.email, E2E_ADMIN.password);
  await page.goto("/upload");
  const box = page.getByTestId("quick-check");
  await box.getByLabel("Image to check").setInputFiles({ name: "quick.jpg", mimeType: "image/jpeg", buffer: await makeJpeg({ width: 480, height: 320, seed: 741 }) });
  const result = box.getByTestId("quick-check-result");
  await expect(result).toBeVisible({ timeout: 60_000 });
  await expect(box.getByTestId("quick-check-outcome")).toHaveText(/would be (quarantined|cleared)/);
  // The forensic maps lie over the image in the same viewer as the case page.
  await expect(box.getByTestId("case-viewer")).toBeVisible();
  await expect(box.getByRole("button", { name: /AI detector/ })).toBeVisible();
  const outcome = /would be (quarantined|cleared)/.exec((await box.getByTestId("quick-check-outcome").textContent()) ?? "")![1]!;
  const file = testInfo.outputPath("quick-check.png");
  await page.screenshot({ path: file, fullPage: true });
  await testInfo.attach("quick-check", { path: file, contentType: "image/png" });

  await box.getByRole("button", { name: "Send to review" }).click();
  const link = box.getByTestId("quick-check-case");
  await expect(link).toBeVisible();
  await link.click();
  await expect(page).toHaveURL(/\/cases\/case_/);
  // Recorded with the quick check's result: no waiting for the worker.
  await expect(page.getByTestId("case-page")).toBeVisible();
  await expect(page.getByText(new RegExp(outcome, "i")).first()).toBeVisible();
});
