// Rescanning from the case page, again and again: every scan completes and joins the case's scan list,
// and nothing internal (SQL, stack lines) reaches the page.
import { expect, test } from "@playwright/test";
import { makeJpeg } from "../../lib/detection/testing";
import { E2E_ADMIN } from "../../playwright.config";
import { signIn } from "../support/session";

test("a case rescanned four times keeps five scans and shows no internal error", async ({ page }, testInfo) => {
  await signIn(page, E2E_ADMIN.email, E2E_ADMIN.password);
  await page.goto("/upload");
  await page.getByTestId("file-input").setInputFiles([{ name: "rescan-me.jpg", mimeType: "image/jpeg", buffer: await makeJpeg({ width: 360, height: 240, seed: 301 }) }]);
  const link = page.getByTestId("upload-row").filter({ hasText: "rescan-me.jpg" }).getByRole("link");
  await link.click();
  const badge = page.getByTestId("state-badge").first();
  await expect(badge).toHaveAttribute("data-state", /^(quarantined|cleared)$/, { timeout: 90_000 });
  for (let n = 2; n <= 5; n++) {
    await page.getByRole("button", { name: "Rescan" }).click();
    await expect(page.getByTestId("scan-history").getByRole("listitem")).toHaveCount(n, { timeout: 90_000 });
    await expect(badge).toHaveAttribute("data-state", /^(quarantined|cleared)$/, { timeout: 90_000 });
  }
  const text = await page.locator("main").innerText();
  expect(text).not.toMatch(/insert into|duplicate key|select .* from|\$1/i);
  const path = testInfo.outputPath("case-rescanned.png");
  await page.screenshot({ path, fullPage: true });
  await testInfo.attach("case-rescanned", { path, contentType: "image/png" });
});
