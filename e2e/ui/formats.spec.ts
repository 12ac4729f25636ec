// Every advertised format through the upload page's server action, each ending in a scanned case
// whose page shows the image (HEIC and TIFF through a WebP derivative).
import { expect, test } from "@playwright/test";
import { ADVERTISED_FORMATS } from "../../lib/detection/testing";
import { E2E_ADMIN } from "../../playwright.config";
import { signIn } from "../support/session";

test("every advertised format uploads, scans and displays", async ({ page }) => {
  const formats = ADVERTISED_FORMATS.filter((f) => f.available());
  await signIn(page, E2E_ADMIN.email, E2E_ADMIN.password);
  await page.goto("/upload");
  const files = await Promise.all(formats.map(async (f) => ({ name: `ui-format.${f.ext}`, mimeType: "application/octet-stream", buffer: await f.make() })));
  await page.getByTestId("file-input").setInputFiles(files);
  await expect(page.getByTestId("upload-summary")).toHaveText(`${formats.length} uploaded · 0 failed · 0 in progress`);
  const links = new Map<string, string>();
  for (const f of formats) {
    const href = await page.getByTestId("upload-row").filter({ hasText: `ui-format.${f.ext}` }).getByRole("link").getAttribute("href");
    links.set(f.format, href!);
  }
  for (const f of formats) {
    await page.goto(links.get(f.format)!);
    // The case page follows the scan by itself (no reload by the test).
    await expect(page.getByTestId("state-badge").first()).toHaveAttribute("data-state", /^(quarantined|cleared)$/, { timeout: 90_000 });
    // The browser decoded the displayed image (a blank box has naturalWidth 0).
    const img = page.getByTestId("original-image");
    await expect.poll(() => img.evaluate((el: HTMLImageElement) => el.naturalWidth)).toBe(f.width);
  }
});
