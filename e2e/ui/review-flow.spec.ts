// The whole reviewer journey in Chromium: sign in → upload 3 generated images (plus bad files) →
// each reaches quarantined or cleared → a moderator decides one → reviewed. Screenshots are saved.
import { expect, test } from "@playwright/test";
import { makeJpeg, makePng, makeTruncatedJpeg, makeWebp } from "../../lib/detection/testing";
import { E2E_ADMIN } from "../../playwright.config";
import { ensureUser, signIn, signOut } from "../support/session";

const MODERATOR = { email: "moderator@e2e.test", password: "moderator-pass", role: "moderator" as const };

test("moderator uploads, watches scans finish, and decides a case", async ({ page }, testInfo) => {
  const shot = async (name: string) => {
    const path = testInfo.outputPath(`${name}.png`);
    await page.screenshot({ path, fullPage: true });
    await testInfo.attach(name, { path, contentType: "image/png" });
  };

  await signIn(page, E2E_ADMIN.email, E2E_ADMIN.password);
  await ensureUser(page, MODERATOR);
  await shot("01-admin-users");
  await signOut(page);

  await signIn(page, MODERATOR.email, MODERATOR.password);
  await page.goto("/upload");
  const files = [
    { name: "ui-photo.jpg", mimeType: "image/jpeg", buffer: await makeJpeg({ width: 640, height: 480, seed: 201 }) },
    { name: "ui-graphic.png", mimeType: "image/png", buffer: await makePng({ width: 512, height: 512, seed: 202 }) },
    { name: "ui-web.webp", mimeType: "image/webp", buffer: await makeWebp({ width: 400, height: 300, seed: 203 }) },
    { name: "broken.jpg", mimeType: "image/jpeg", buffer: await makeTruncatedJpeg({ width: 300, height: 300, seed: 204 }) },
    { name: "readme.png", mimeType: "image/png", buffer: Buffer.from("plain text pretending to be a PNG") },
    { name: "zero.png", mimeType: "image/png", buffer: Buffer.alloc(0) },
  ];
  await page.getByTestId("file-input").setInputFiles(files);
  await expect(page.getByTestId("upload-summary")).toHaveText("3 uploaded · 3 failed · 0 in progress");
  const codes = await page.getByTestId("upload-error").evaluateAll((els) => els.map((e) => e.getAttribute("data-code")).sort());
  expect(codes).toEqual(["image_corrupt", "image_empty", "image_unsupported_format"]);
  await shot("02-upload-results");

  // Newest first: a moderator's default (risk) order may put older cases from other specs first.
  await page.goto("/queue?sort=newest");
  const names = ["ui-photo.jpg", "ui-graphic.png", "ui-web.webp"];
  for (const name of names) {
    const row = page.getByTestId("queue-row").filter({ hasText: name });
    await expect(row).toHaveAttribute("data-state", /^(quarantined|cleared)$/, { timeout: 90_000 });
  }
  await shot("03-queue-scanned");

  await page.getByTestId("queue-row").filter({ hasText: "ui-photo.jpg" }).getByRole("link").click();
  await expect(page.getByTestId("signal-table")).toBeVisible();
  await expect(page.getByTestId("signal-row").first()).toBeVisible();
  await expect(page.getByTestId("original-image")).toBeVisible();
  await shot("04-case-evidence");

  // A note for whoever looks next, kept on the page (and live for other viewers).
  const notes = page.getByTestId("notes-card");
  await notes.getByLabel("Note for the next person").fill("Asked the photographer for the raw file.");
  await notes.getByRole("button", { name: "Add note" }).click();
  await expect(notes.getByTestId("case-note")).toHaveText(/^Asked the photographer for the raw file\.\S+@\S+ · \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC$/);
  await expect(notes.getByLabel("Note for the next person")).toHaveValue("");

  const form = page.getByTestId("decision-form");
  await form.getByLabel(/Authentic/).check();
  await form.getByPlaceholder(/Note/).fill("Camera original confirmed with the photographer.");
  await form.getByRole("button", { name: "Record decision" }).click();
  await expect(page.getByTestId("state-badge").first()).toHaveAttribute("data-state", "reviewed");
  await expect(page.getByTestId("decision")).toContainText("authentic");
  await shot("05-case-reviewed");

  // The queue's row says the case has a note, and links to it.
  await page.goto("/queue?sort=newest&q=ui-photo");
  const noted = page.getByTestId("queue-row").filter({ hasText: "ui-photo.jpg" }).first().getByTestId("notes-count");
  await expect(noted).toHaveText("1 note");
  await noted.click();
  await expect(page.getByTestId("notes-card")).toContainText("Asked the photographer for the raw file.");
});
