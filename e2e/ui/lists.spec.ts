// An admin keeps a list of known AI images: makes the list, adds a scanned case's image from the case
// page, and a recompressed copy uploaded later is quarantined by the list, which the case page names.
// On /admin/lists: a bad hash import is refused with its line, a file adds an entry, an entry is
// removed, and the list is deleted after a confirmation.
import { readFile } from "node:fs/promises";
import { expect, test, type Page, type TestInfo } from "@playwright/test";
import { makeJpeg } from "../../lib/detection/testing";
import { E2E_ADMIN } from "../../playwright.config";
import { signIn } from "../support/session";

async function shot(page: Page, testInfo: TestInfo, name: string) {
  const file = testInfo.outputPath(`${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  await testInfo.attach(name, { path: file, contentType: "image/png" });
}

async function uploadAndOpen(page: Page, name: string, buffer: Buffer) {
  await page.goto("/upload");
  await page.getByTestId("file-input").setInputFiles([{ name, mimeType: "image/jpeg", buffer }]);
  await expect(page.getByTestId("upload-summary")).toHaveText("1 uploaded · 0 failed · 0 in progress");
  await page.goto(`/queue?sort=newest&q=${name}`);
  const row = page.getByTestId("queue-row").filter({ hasText: name });
  await expect(row).toHaveAttribute("data-state", /^(quarantined|cleared)$/, { timeout: 90_000 });
  await row.getByRole("link").click();
  await expect(page.getByTestId("image-lists-card")).toBeVisible();
}

test("a case added to a quarantine list quarantines its recompressed copy, and the list is kept on /admin/lists", async ({ page }, testInfo) => {
  const listName = `Known AI ${Date.now().toString(36)}`;
  // Seeds no other spec uses: the list must not catch their images.
  const seed = 9301;
  await signIn(page, E2E_ADMIN.email, E2E_ADMIN.password);

  await page.goto("/admin/lists");
  const create = page.getByTestId("new-list-form");
  await create.getByLabel("Name").fill(listName);
  await create.getByLabel("A match").selectOption("quarantine");
  await create.getByLabel("Description").fill("Pictures of the test campaign");
  await create.getByRole("button", { name: "Create list" }).click();
  await expect(create.getByTestId("list-form-result")).toHaveText(`List “${listName}” created.`);
  const section = page.locator(`[data-testid="image-list"][data-list="${listName}"]`);
  await expect(section.getByTestId("list-count")).toHaveText("0 entries");

  await uploadAndOpen(page, "lists-original.jpg", await makeJpeg({ width: 448, height: 336, seed, quality: 92 }));
  const card = page.getByTestId("image-lists-card");
  await expect(card).toContainText("The scan matched no list.");
  const add = card.getByTestId("add-to-list-form");
  await add.getByLabel("Add this image to").selectOption({ label: `${listName} (quarantines)` });
  await add.getByLabel("Note for the list entry").fill("posted by the campaign account");
  await add.getByRole("button", { name: "Add to list" }).click();
  await expect(add.getByTestId("add-to-list-result")).toContainText(`Added to “${listName}”.`);
  await expect(card.getByTestId("lists-holding")).toContainText(listName);
  await add.getByRole("button", { name: "Add to list" }).click();
  await expect(add.getByTestId("add-to-list-result")).toHaveText(`This file is already on “${listName}”.`);

  // The same picture, recompressed: other bytes, a near-duplicate hash.
  await uploadAndOpen(page, "lists-copy.jpg", await makeJpeg({ width: 448, height: 336, seed, quality: 55 }));
  await expect(page.getByTestId("state-badge").first()).toHaveAttribute("data-state", "quarantined");
  await expect(page.getByTestId("verdict-sentence")).toContainText(`Quarantined: the image is on the list “${listName}” (a near-duplicate,`);
  await expect(page.getByTestId("list-matches")).toContainText(`Matched ${listName} at the scan (near-duplicate,`);
  await expect(page.getByTestId("list-matches")).toContainText("this decided the case");
  await shot(page, testInfo, "lists-case-matched");
  // So do the queue's row and the evidence report.
  await page.goto("/queue?sort=newest&q=lists-copy.jpg");
  await expect(page.getByTestId("queue-row").filter({ hasText: "lists-copy.jpg" }).getByTestId("queue-list-badge")).toHaveText(`Quarantined by list ${listName}`);
  await page.goBack();
  await page.getByTestId("report-link").click();
  await expect(page.getByTestId("report-list-matches")).toContainText(`${listName} (quarantines; near-duplicate,`);
  await expect(page.getByTestId("report-list-matches")).toContainText("decided the case");
  // The dashboard counts it: one entry by hand, one scan matched and decided.
  await page.goto("/admin/dashboard");
  await expect(page.getByTestId("dashboard-list-row").filter({ hasText: listName }).locator("td")).toHaveText(["1", "1", "0", "1", "1"]);

  await page.goto("/admin/lists");
  await expect(section.getByTestId("list-count")).toHaveText("1 entry");
  const entry = section.getByTestId("list-entry");
  await expect(entry).toContainText("lists-original.jpg");
  await expect(entry).toContainText("posted by the campaign account");
  await expect(entry).toContainText("same file or near-duplicate");

  await section.getByText(`Add images to ${listName}`).click();
  const hashes = section.getByTestId("add-hashes-form");
  await hashes.getByLabel(`SHA-256 hashes for ${listName}`).fill(`${"ab".repeat(32)}\nnot-a-hash`);
  await hashes.getByRole("button", { name: "Import hashes" }).click();
  await expect(hashes.getByTestId("list-form-result")).toContainText("Line 2 is not a sha256");
  await hashes.getByLabel(`SHA-256 hashes for ${listName}`).fill(`# from a partner\n${"ab".repeat(32)}`);
  await hashes.getByRole("button", { name: "Import hashes" }).click();
  await expect(hashes.getByTestId("list-form-result")).toHaveText("1 added.");
  const files = section.getByTestId("add-files-form");
  await files.getByLabel(`Image files for ${listName}`).setInputFiles([
    { name: "lists-file.jpg", mimeType: "image/jpeg", buffer: await makeJpeg({ width: 320, height: 240, seed: seed + 1 }) },
    { name: "lists-notes.txt", mimeType: "text/plain", buffer: Buffer.from("not an image") },
    // Over the upload limit: refused in the browser, never sent.
    { name: "lists-huge.jpg", mimeType: "image/jpeg", buffer: Buffer.alloc(21 * 1024 * 1024) },
  ]);
  await files.getByRole("button", { name: "Add files" }).click();
  await expect(files.getByTestId("list-form-result")).toContainText("1 added; lists-huge.jpg refused: The file is larger than 20 MB; lists-notes.txt refused:");
  await expect(section.getByTestId("list-count")).toHaveText("3 entries");
  await expect(section.getByTestId("list-entry").filter({ hasText: "hash import" })).toContainText("same file only");
  await shot(page, testInfo, "lists-admin");
  // The list's hashes download as sha256sum lines, which an import elsewhere reads back.
  const [download] = await Promise.all([page.waitForEvent("download"), section.getByRole("link", { name: `Download the hashes of ${listName}` }).click()]);
  expect(download.suggestedFilename()).toMatch(/^loupe-list-known-ai-[0-9a-z]+-\d{4}-\d{2}-\d{2}\.sha256$/);
  const hashFile = await readFile(await download.path(), "utf8");
  expect(hashFile).toContain(`\n${"ab".repeat(32)}\n`);
  expect(hashFile).toMatch(/^[0-9a-f]{64} {2}lists-original\.jpg$/m);
  expect(hashFile).toMatch(/^[0-9a-f]{64} {2}lists-file\.jpg$/m);

  await section.getByTestId("list-entry").filter({ hasText: "hash import" }).getByRole("button", { name: "Remove" }).click();
  await expect(section.getByTestId("list-count")).toHaveText("2 entries");
  await section.getByRole("button", { name: "Delete list" }).click();
  await expect(section.getByRole("alertdialog")).toContainText(`Delete “${listName}” and its 2 entries?`);
  await section.getByRole("button", { name: "Confirm" }).click();
  await expect(section).toHaveCount(0);
});

test("a list that fills itself from review: a Confirmed AI decision adds the image, and the setting can be turned off", async ({ page }, testInfo) => {
  const listName = `Confirmed by review ${Date.now().toString(36)}`;
  await signIn(page, E2E_ADMIN.email, E2E_ADMIN.password);
  await page.goto("/admin/lists");
  const create = page.getByTestId("new-list-form");
  await create.getByLabel("Name").fill(listName);
  await create.getByLabel("A match").selectOption("quarantine");
  await create.getByLabel("Adds by itself").selectOption("confirmed_ai");
  await create.getByRole("button", { name: "Create list" }).click();
  await expect(create.getByTestId("list-form-result")).toHaveText(`List “${listName}” created.`);
  const section = page.locator(`[data-testid="image-list"][data-list="${listName}"]`);
  const caughtUp = page.locator(`[data-testid="image-list"][data-list="${listName} caught up"]`);
  await expect(section.getByTestId("list-auto-add")).toContainText("Images that moderators decide Confirmed AI join this list by themselves");

  try {
    // A picture of its own on every run: the same bytes again would open the case an earlier run decided.
    await uploadAndOpen(page, "lists-reviewed.jpg", await makeJpeg({ width: 400, height: 300, seed: 93_200 + (Date.now() % 10_000), quality: 90 }));
    await expect(page.getByTestId("auto-add-lists")).toContainText(`Recording Confirm AI-generated adds this image to “${listName}”`);
    const form = page.getByTestId("decision-form");
    await form.getByLabel(/Confirm AI-generated/).check();
    await form.getByRole("button", { name: "Record decision" }).click();
    await expect(page.getByTestId("state-badge").first()).toHaveAttribute("data-state", "reviewed");
    await expect(page.getByTestId("lists-holding")).toContainText(listName);
    // The file is on the list now: nothing left for a decision to add.
    await expect(page.getByTestId("auto-add-lists")).toHaveCount(0);
    await shot(page, testInfo, "lists-auto-added");

    await page.goto("/admin/lists");
    await expect(section.getByTestId("list-count")).toHaveText("1 entry");
    await expect(section.getByTestId("list-entry")).toContainText("lists-reviewed.jpg");
    await expect(section.getByTestId("list-entry")).toContainText(/Decided confirmed AI in case_/);
    await section.getByText("Add from decisions").click();
    const auto = section.getByTestId("auto-add-form");
    await auto.getByRole("combobox", { name: "Adds by itself" }).selectOption({ label: "nothing (entries by hand)" });
    await auto.getByRole("button", { name: `Save what ${listName} adds by itself` }).click();
    await expect(auto.getByTestId("list-form-result")).toHaveText(`“${listName}” no longer adds images by itself; the entries decisions added stay.`);
    await expect(section.getByTestId("list-auto-add")).toHaveCount(0);
    await expect(section.getByTestId("list-count")).toHaveText("1 entry");

    // A second list catches up with the decisions already made as it is created (this spec's and
    // any other Confirmed AI decision of the suite's database).
    await create.getByLabel("Name").fill(`${listName} caught up`);
    await create.getByLabel("A match").selectOption("quarantine");
    await create.getByLabel("Adds by itself").selectOption("confirmed_ai");
    await create.getByLabel("and cases already decided so").check();
    await create.getByRole("button", { name: "Create list" }).click();
    const made = create.getByTestId("list-form-result");
    await expect(made).toHaveText(new RegExp(`^List “${listName} caught up” created with \\d+ images? of cases already decided so\\.$`));
    const n = Number(/with (\d+) image/.exec((await made.textContent()) ?? "")![1]);
    expect(n).toBeGreaterThanOrEqual(1);
    await expect(caughtUp.getByTestId("list-count")).toHaveText(`${n} ${n === 1 ? "entry" : "entries"}`);
  } finally {
    // Nothing of this list may reach other specs' scans (after a timeout the page is gone: nothing to do).
    if (!page.isClosed()) {
      await page.goto("/admin/lists");
      for (const list of [section, caughtUp]) {
        if (!(await list.count())) continue;
        await list.getByRole("button", { name: "Delete list" }).click();
        await list.getByRole("button", { name: "Confirm" }).click();
        await expect(list).toHaveCount(0);
      }
    }
  }
});
