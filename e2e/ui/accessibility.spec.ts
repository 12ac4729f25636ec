// Every page at desktop (1280 px) and phone (390 px) width: axe-core finds no serious or critical
// WCAG 2.1 A/AA violation, and the page does not scroll sideways. Screenshots are saved per page and width.
import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import { makeJpeg } from "../../lib/detection/testing";
import { E2E_ADMIN } from "../../playwright.config";
import { signIn } from "../support/session";

const WIDTHS = [
  { name: "desktop", width: 1280, height: 800 },
  { name: "phone", width: 390, height: 844 },
];

async function audit(page: Page, path: string, label: string, attach: (name: string) => Promise<void>) {
  await page.goto(path);
  await page.waitForLoadState("networkidle");
  const result = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  const bad = result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(" | ")}`);
  expect.soft(bad, `${label} ${path}`).toEqual([]);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  // When it does, name the elements sticking out past the viewport's right edge (innermost first).
  const culprits = overflow > 0 ? await page.evaluate(() => {
    const w = document.documentElement.clientWidth;
    return [...document.querySelectorAll("body *")]
      .filter((el) => {
        if (el.getBoundingClientRect().right <= w + 1 || [...el.children].some((c) => c.getBoundingClientRect().right > w + 1)) return false;
        // Content scrolled inside its own box does not widen the page.
        for (let p = el.parentElement; p; p = p.parentElement) if (/(auto|scroll|hidden)/.test(getComputedStyle(p).overflowX)) return false;
        return true;
      })
      .slice(0, 5)
      .map((el) => `${el.tagName.toLowerCase()}.${[...el.classList].slice(0, 4).join(".")} "${(el.textContent ?? "").trim().slice(0, 30)}"`);
  }) : [];
  expect.soft(overflow, `${label} ${path} scrolls sideways by ${overflow}px: ${culprits.join(" | ")}`).toBeLessThanOrEqual(0);
  await attach(`${label}-${path.replace(/[^a-z0-9]+/gi, "_")}`);
}

for (const size of WIDTHS) {
  test(`every page passes axe and fits at ${size.width} px`, async ({ page }, testInfo) => {
    test.setTimeout(360_000);
    await page.setViewportSize({ width: size.width, height: size.height });
    const attach = async (name: string) => {
      const file = testInfo.outputPath(`${name}.png`);
      await page.screenshot({ path: file, fullPage: true });
      await testInfo.attach(name, { path: file, contentType: "image/png" });
    };
    await audit(page, "/sign-in", size.name, attach);
    // Public: read without signing in.
    await audit(page, "/docs/api", size.name, attach);

    await page.setViewportSize({ width: 1280, height: 800 });
    await signIn(page, E2E_ADMIN.email, E2E_ADMIN.password);
    // One case to look at, uploaded through the page like an editor would.
    await page.goto("/upload");
    await page.getByTestId("file-input").setInputFiles([{ name: `a11y-${size.name}.jpg`, mimeType: "image/jpeg", buffer: await makeJpeg({ width: 640, height: 480, seed: 901 + size.width }) }]);
    const caseLink = page.getByTestId("upload-row").getByRole("link");
    await expect(caseLink).toBeVisible();
    const casePath = new URL((await caseLink.getAttribute("href"))!, "http://x").pathname;
    await page.setViewportSize({ width: size.width, height: size.height });

    for (const path of ["/queue", "/queue?group=1", "/upload", "/submissions", "/settings/api-keys", "/settings/account", "/admin/users", "/admin/policies", "/admin/lists", "/admin/audit", "/admin/dashboard", "/admin/backup", casePath, "/forbidden", "/no-such-page"]) {
      await audit(page, path, size.name, attach);
    }
  });
}

test("the skip link is the first stop and jumps to the content; the phone menu opens by keyboard", async ({ page }) => {
  await signIn(page, E2E_ADMIN.email, E2E_ADMIN.password);
  await page.goto("/queue");
  await page.keyboard.press("Tab");
  const skip = page.getByRole("link", { name: "Skip to content" });
  await expect(skip).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/#main$/);

  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto("/queue");
  const menu = page.getByRole("button", { name: "Menu" });
  await expect(page.getByRole("link", { name: "Upload" })).toBeHidden();
  await menu.focus();
  await page.keyboard.press("Enter");
  await expect(page.getByRole("button", { name: "Close menu" })).toHaveAttribute("aria-expanded", "true");
  await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
  await page.getByRole("link", { name: "Upload" }).click();
  await expect(page).toHaveURL(/\/upload$/);
  await expect(page.getByRole("button", { name: "Menu" })).toHaveAttribute("aria-expanded", "false");
});
