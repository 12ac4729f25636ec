// Two moderators pressing "Start reviewing" at the same moment get different cases; an editor submits
// an image with the keyboard alone and watches its state change on the upload page.
import { expect, test } from "@playwright/test";
import { makeJpeg, makePng } from "../../lib/detection/testing";
import { E2E_ADMIN } from "../../playwright.config";
import { ensureUser, signIn } from "../support/session";

const MODS = [
  { email: "claim-a@e2e.test", password: "claim-a-password", role: "moderator" as const },
  { email: "claim-b@e2e.test", password: "claim-b-password", role: "moderator" as const },
];
const EDITOR = { email: "keyboard-editor@e2e.test", password: "keyboard-editor-pw", role: "editor" as const };

test("two moderators claiming at once never get the same case", async ({ browser, page }) => {
  await signIn(page, E2E_ADMIN.email, E2E_ADMIN.password);
  for (const m of MODS) await ensureUser(page, m);
  // Cases to claim: uploaded, then scanned (the queue's risk order starts with quarantined ones).
  await page.goto("/upload");
  const files = await Promise.all([0, 1, 2, 3].map(async (i) => ({ name: `claim-${i}.jpg`, mimeType: "image/jpeg", buffer: await makeJpeg({ width: 320, height: 240, seed: 700 + i }) })));
  await page.getByTestId("file-input").setInputFiles(files);
  await expect(page.getByTestId("upload-case")).toHaveCount(4);
  await expect(page.locator('[data-testid="upload-case"][data-state="pending_scan"], [data-testid="upload-case"][data-state="scanning"]')).toHaveCount(0, { timeout: 60_000 });

  const pages = await Promise.all(
    MODS.map(async (m) => {
      const ctx = await browser.newContext();
      const p = await ctx.newPage();
      await signIn(p, m.email, m.password);
      await p.goto("/queue");
      return p;
    }),
  );
  await Promise.all(pages.map((p) => p.getByTestId("start-reviewing").click()));
  for (const p of pages) await expect(p).toHaveURL(/\/cases\/case_/);
  const claimed = pages.map((p) => new URL(p.url()).pathname);
  expect(new Set(claimed).size).toBe(2);
  for (const p of pages) await expect(p.getByTestId("claim-mine")).toBeVisible();
  await Promise.all(pages.map((p) => p.context().close()));
});

test("an editor uploads with the keyboard and sees the case's state change", async ({ page }) => {
  await signIn(page, E2E_ADMIN.email, E2E_ADMIN.password);
  await ensureUser(page, EDITOR);
  const ctx = await page.context().browser()!.newContext();
  const ed = await ctx.newPage();
  await signIn(ed, EDITOR.email, EDITOR.password);
  await ed.goto("/upload");
  // Tab to the dropzone, Enter opens the file chooser.
  const dropzone = ed.getByTestId("dropzone");
  for (let i = 0; i < 30 && !(await dropzone.evaluate((el) => el === document.activeElement)); i++) await ed.keyboard.press("Tab");
  await expect(dropzone).toBeFocused();
  const [chooser] = await Promise.all([ed.waitForEvent("filechooser"), ed.keyboard.press("Enter")]);
  await chooser.setFiles({ name: "keyboard.png", mimeType: "image/png", buffer: await makePng({ width: 256, height: 256, seed: 731 }) });
  const row = ed.getByTestId("upload-case");
  await expect(row).toHaveCount(1);
  // The row follows the case through the live stream, no reload: pending → … → a verdict state.
  await expect(row).toHaveAttribute("data-state", /^(quarantined|cleared)$/, { timeout: 60_000 });
  await ctx.close();
});
