// The review queue in Chromium: search, filter and sort through the form (the URL carries the view),
// page through with next/previous, bulk-decide three cases (and see a per-case failure), state
// counts that follow the search, a duplicate of a decided image, the grouped view's counts of groups, a
// bad link, and a 390 px screen.
import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { makeJpeg } from "../../lib/detection/testing";
import { E2E_ADMIN } from "../../playwright.config";
import { signIn } from "../support/session";

async function upload(request: APIRequestContext, name: string, buffer: Buffer): Promise<string> {
  const res = await request.post("/api/v1/cases", { multipart: { file: { name, mimeType: "image/jpeg", buffer }, external_ref: `ref-${name}` } });
  expect(res.status()).toBe(202);
  return ((await res.json()) as { id: string }).id;
}

async function waitScanned(request: APIRequestContext, id: string) {
  await expect
    .poll(async () => ((await (await request.get(`/api/v1/cases/${id}`)).json()) as { state: string }).state, { timeout: 90_000 })
    .toMatch(/^(quarantined|cleared|manual_review)$/);
}

const rowIds = (page: Page) => page.getByTestId("queue-row").evaluateAll((els) => els.map((e) => e.getAttribute("data-case-id")));

test("search, filter, sort, page through and bulk-decide in the queue", async ({ page }, testInfo) => {
  await signIn(page, E2E_ADMIN.email, E2E_ADMIN.password);
  const tag = `qs${Date.now().toString(36)}`;
  const ids: string[] = [];
  for (let i = 0; i < 5; i++) ids.push(await upload(page.request, `${tag}-${i}.jpg`, await makeJpeg({ width: 200 + i * 10, height: 160, seed: 900 + i })));
  for (const id of ids) await waitScanned(page.request, id);

  // Search and sort through the form: the URL carries both, and the rows are this upload's, newest first.
  await page.goto("/queue");
  const filters = page.getByTestId("queue-filters");
  await filters.getByLabel("Search").fill(tag);
  await filters.getByLabel("Sort by").selectOption("newest");
  await filters.getByRole("button", { name: "Apply" }).click();
  await expect(page).toHaveURL(new RegExp(`q=${tag}.*sort=newest|sort=newest.*q=${tag}`));
  await expect(page.getByTestId("queue-row")).toHaveCount(5);
  expect(await rowIds(page)).toEqual([...ids].reverse());
  await expect(page.getByTestId("tab-all").getByTestId("count")).toHaveText("5");

  await filters.getByLabel("Sort by").selectOption("oldest");
  await filters.getByRole("button", { name: "Apply" }).click();
  await expect(page).toHaveURL(/sort=oldest/);
  await expect.poll(() => rowIds(page)).toEqual(ids);

  // A filter: nothing of this upload is decided yet, and all of it was sent with the session, as the
  // console's upload page sends files, so it is recorded as uploads (an API key's would be "api"). The
  // filter fields are folded while none is set, and open by themselves once one is.
  await expect(filters.getByLabel("Human decision")).toBeHidden();
  await filters.getByText("Filters", { exact: true }).click();
  await filters.getByLabel("Human decision").selectOption("any");
  await filters.getByRole("button", { name: "Apply" }).click();
  await expect(page.getByTestId("queue-empty")).toBeVisible();
  await filters.getByLabel("Human decision").selectOption("none");
  await filters.getByLabel("Source").selectOption("upload");
  await filters.getByRole("button", { name: "Apply" }).click();
  await expect(page).toHaveURL(/decision=none/);
  await expect(page.getByTestId("queue-row")).toHaveCount(5);
  await expect(filters.getByText("Filters (2 set)")).toBeVisible();

  // Paging, two per page (a shared link), forwards to the end and back: each case once, in order.
  await page.goto(`/queue?q=${tag}&sort=oldest&limit=2`);
  const seen: (string | null)[][] = [await rowIds(page)];
  // Each click waits for its own link's URL: every page after the first has an `after=`.
  const follow = async (testId: string) => {
    const link = page.getByTestId(testId);
    const href = (await link.getAttribute("href"))!;
    await link.click();
    await page.waitForURL((u) => `${u.pathname}${u.search}` === href);
  };
  while (await page.getByTestId("page-next").count()) {
    await follow("page-next");
    seen.push(await rowIds(page));
  }
  expect(seen).toEqual([ids.slice(0, 2), ids.slice(2, 4), ids.slice(4)]);
  await follow("page-prev");
  expect(await rowIds(page)).toEqual(ids.slice(2, 4));
  await follow("page-prev");
  expect(await rowIds(page)).toEqual(ids.slice(0, 2));
  await expect(page.getByTestId("page-prev")).toHaveCount(0);

  // Bulk decide three cases, keyboard only for the checkboxes.
  await page.goto(`/queue?q=${tag}&sort=oldest`);
  for (const id of ids.slice(0, 3)) {
    const box = page.locator(`[data-case-id="${id}"]`).getByTestId("select-case");
    await box.focus();
    await page.keyboard.press("Space");
    await expect(box).toBeChecked();
  }
  const bar = page.getByTestId("bulk-bar");
  await expect(bar.getByTestId("selected-count")).toHaveText("3 selected");
  await bar.getByLabel("Decision").selectOption("authentic");
  await bar.getByLabel("Note (optional)").fill("bulk e2e");
  await bar.getByRole("button", { name: "Decide selected" }).click();
  await expect(bar.getByRole("status")).toHaveText("3 cases done.");
  for (const id of ids.slice(0, 3)) {
    const row = page.locator(`[data-case-id="${id}"]`);
    await expect(row).toHaveAttribute("data-state", "reviewed");
    await expect(row.getByTestId("human-decision")).toHaveText("Authentic");
    await expect(row.getByTestId("decision-cell")).toContainText(`by ${E2E_ADMIN.email}`);
  }
  await expect(page.getByTestId("tab-reviewed").getByTestId("count")).toHaveText("3");

  // Select all on the page: the three reviewed cases cannot be decided again, the other two can.
  await page.getByTestId("select-all").check();
  await expect(bar.getByTestId("selected-count")).toHaveText("5 selected");
  await bar.getByLabel("Decision").selectOption("confirmed_ai");
  await bar.getByRole("button", { name: "Decide selected" }).click();
  await expect(bar.getByRole("status")).toHaveText("2 cases done, 3 failed:");
  await expect(bar.getByTestId("bulk-failures").getByRole("listitem")).toHaveCount(3);
  await expect(bar.getByTestId("bulk-failures")).toContainText("cannot move to reviewed");

  // The same bytes uploaded again: marked as a duplicate of a decided case, and the case page applies it.
  const again = await upload(page.request, `${tag}-again.jpg`, await makeJpeg({ width: 200, height: 160, seed: 900 }));
  await waitScanned(page.request, again);
  await page.goto(`/queue?q=${tag}-again`);
  const dup = page.locator(`[data-case-id="${again}"]`).getByTestId("duplicate-marker");
  await expect(dup).toContainText("Authentic");
  await dup.click();
  // The first upload is the same image; another of this upload may also be a near-duplicate.
  await page.locator(`[data-testid="decided-duplicate"][data-case-id="${ids[0]}"]`).getByRole("button", { name: "Apply the same decision" }).click();
  await expect(page.getByTestId("state-badge").first()).toHaveAttribute("data-state", "reviewed");
  await expect(page.getByTestId("decision").last()).toContainText(`Same decision as ${ids[0]}`);

  // Grouped: one row per duplicate group (the re-upload is in the first upload's), and the tabs count
  // those groups, saying so: every case of this upload is decided by now, so all are in "Reviewed".
  await page.goto(`/queue?q=${tag}&group=1`);
  const groups = await page.getByTestId("queue-row").evaluateAll((els) => els.map((e) => Number(e.querySelector('[data-testid="group-toggle"]')?.getAttribute("data-size") ?? 1)));
  expect(groups.reduce((a, b) => a + b, 0)).toBe(6);
  expect(groups.length).toBeLessThan(6);
  for (const tab of ["tab-all", "tab-reviewed"]) {
    await expect(page.getByTestId(tab).getByTestId("count")).toHaveText(String(groups.length));
    await expect(page.getByTestId(tab).getByTestId("count-unit")).toHaveText(groups.length === 1 ? "group" : "groups");
  }
  await expect(page.getByTestId("tab-quarantined").getByTestId("count")).toHaveText("0");

  // A bad link says what is wrong instead of failing.
  await page.goto("/queue?score_min=lots");
  await expect(page.getByTestId("queue-params-error")).toContainText("score_min: must be a number");

  // A phone-sized screen: the page itself does not scroll sideways (the table scrolls in its box).
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`/queue?q=${tag}`);
  await expect(page.getByTestId("queue-row")).toHaveCount(6);
  await expect(page.getByTestId("tab-all").getByTestId("count")).toHaveText("6");
  await expect(page.getByTestId("count-unit")).toHaveCount(0);
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  const path = testInfo.outputPath("queue-390.png");
  await page.screenshot({ path, fullPage: true });
  await testInfo.attach("queue-390", { path, contentType: "image/png" });
});
