// A moderator triages by keyboard only: "j" on the queue claims the highest-risk case, the viewer
// zooms (z), switches maps (o, 1–9) and shows side by side (s), a key decides and the next claimed
// case opens, "u" undoes within 10 s. The decision controls sit in the 1280×720 viewport.
// Screenshots of the case view (overlay, side by side, zoomed) at 1280 and 390 px wide are attached.
import { expect, test, type Page, type TestInfo } from "@playwright/test";
import { makeJpeg, makePng } from "../../lib/detection/testing";
import { E2E_ADMIN } from "../../playwright.config";
import { ensureUser, signIn, signOut } from "../support/session";

const MODERATOR = { email: "triage@e2e.test", password: "triage-pass-1", role: "moderator" as const };
const CASE_URL = /\/cases\/(case_[0-9a-z]+)$/;

const caseIdOf = (page: Page) => CASE_URL.exec(new URL(page.url()).pathname)?.[1] ?? null;

async function shot(page: Page, testInfo: TestInfo, name: string) {
  const path = testInfo.outputPath(`${name}.png`);
  await page.screenshot({ path });
  await testInfo.attach(name, { path, contentType: "image/png" });
}

async function caseState(page: Page, id: string): Promise<string> {
  const res = await page.request.get(`/api/v1/cases/${id}`);
  expect(res.ok()).toBe(true);
  return ((await res.json()) as { state: string }).state;
}

/** Waits for the case page at `previous` to be replaced by another case's page. */
async function nextCase(page: Page, previous: string): Promise<string> {
  await expect.poll(() => caseIdOf(page)).not.toBe(previous);
  await expect(page.getByTestId("case-page")).toHaveAttribute("data-case", caseIdOf(page)!);
  return caseIdOf(page)!;
}

test("a moderator triages several cases with the keyboard alone", async ({ page }, testInfo) => {
  await page.setViewportSize({ width: 1280, height: 720 });
  await signIn(page, E2E_ADMIN.email, E2E_ADMIN.password);
  await ensureUser(page, MODERATOR);
  await signOut(page);
  await signIn(page, MODERATOR.email, MODERATOR.password);

  // Four cases to review (others' cases may be in the queue too: the test decides whatever it is given).
  await page.goto("/upload");
  const files = [
    { name: "triage-1.jpg", mimeType: "image/jpeg", buffer: await makeJpeg({ width: 1600, height: 1000, seed: 401 }) },
    { name: "triage-2.png", mimeType: "image/png", buffer: await makePng({ width: 640, height: 640, seed: 402 }) },
    { name: "triage-3.jpg", mimeType: "image/jpeg", buffer: await makeJpeg({ width: 800, height: 600, seed: 403 }) },
    { name: "triage-4.jpg", mimeType: "image/jpeg", buffer: await makeJpeg({ width: 720, height: 960, seed: 404 }) },
  ];
  await page.getByTestId("file-input").setInputFiles(files);
  await expect(page.getByTestId("upload-summary")).toHaveText("4 uploaded · 0 failed · 0 in progress");
  const uploaded = await page.getByTestId("upload-row").getByRole("link").evaluateAll((els) => els.map((e) => e.getAttribute("href")!.split("/").pop()!));
  expect(uploaded).toHaveLength(4);
  for (const id of uploaded) await expect.poll(() => caseState(page, id), { timeout: 90_000 }).toMatch(/^(quarantined|cleared)$/);

  // From here on: keyboard only.
  await page.goto("/queue");
  await expect(page.getByTestId("start-reviewing")).toBeVisible();
  await page.keyboard.press("j");
  await expect(page).toHaveURL(CASE_URL);
  const first = caseIdOf(page)!;
  await expect(page.getByTestId("claim-mine")).toBeVisible();

  // Decision controls are in the 1280×720 viewport without scrolling.
  await expect(page.getByTestId("decision-form")).toBeVisible();
  for (const label of [/Authentic/, /Confirm AI-generated/, /Needs more information/]) await expect(page.getByTestId("decision-form").getByLabel(label)).toBeInViewport();
  await expect(page.getByTestId("record-decision")).toBeInViewport();
  await expect(page.getByTestId("verdict-sentence")).toBeInViewport();
  await expect(page.getByTestId("verdict-sentence")).toHaveText(/^(Quarantined|Cleared)/);

  // The viewer: overlay on by default, o toggles it, number keys pick a map.
  const viewer = page.getByTestId("case-viewer");
  await expect(page.getByTestId("original-image")).toBeVisible();
  const chips = page.getByTestId("overlay-chip");
  await expect(chips.first()).toBeVisible();
  const signals = await chips.evaluateAll((els) => els.map((e) => e.getAttribute("data-signal")));
  expect(signals.length).toBeGreaterThan(0);
  expect(signals).not.toContain("frequency"); // a spectrum is not a map of the photo (its chart: see the end)
  await expect(page.getByTestId("heatmap-overlay")).toBeVisible();
  await expect(page.getByTestId("heatmap-legend")).toContainText(/Red = /);
  await shot(page, testInfo, "1280-overlay");
  await page.keyboard.press("o");
  await expect(page.getByTestId("heatmap-overlay")).toHaveCount(0);
  await page.keyboard.press("1");
  await expect(page.getByTestId("heatmap-overlay")).toHaveAttribute("data-signal", signals[0]!);
  if (signals.length > 1) {
    await page.keyboard.press("2");
    await expect(page.getByTestId("heatmap-overlay")).toHaveAttribute("data-signal", signals[1]!);
  }

  // z: fit ↔ 100 %.
  await expect(viewer).toHaveAttribute("data-fitted", "true");
  const fitZoom = await viewer.getAttribute("data-zoom");
  await page.keyboard.press("z");
  await expect(viewer).toHaveAttribute("data-zoom", "1.000");
  await expect(viewer).toHaveAttribute("data-fitted", "false");
  await shot(page, testInfo, "1280-zoomed");
  await page.keyboard.press("z");
  await expect(viewer).toHaveAttribute("data-fitted", "true");
  await expect(viewer).toHaveAttribute("data-zoom", fitZoom!);

  // s: side by side, original | heatmap, sharing one zoom.
  await page.keyboard.press("s");
  await expect(viewer).toHaveAttribute("data-mode", "side");
  await expect(page.getByTestId("viewer-pane-image")).toBeVisible();
  await expect(page.getByTestId("viewer-pane-heatmap")).toBeVisible();
  await expect(page.getByTestId("heatmap-only")).toBeVisible();
  await shot(page, testInfo, "1280-side-by-side");
  await page.keyboard.press("s");
  await expect(viewer).toHaveAttribute("data-mode", "overlay");

  // ? lists the shortcuts; Escape closes the list.
  await page.keyboard.press("?");
  await expect(page.getByTestId("shortcuts-dialog")).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(page.getByTestId("shortcuts-dialog")).toBeHidden();

  // Letters typed into the note stay there: no shortcut fires while typing.
  await page.getByPlaceholder(/Note/).focus();
  await page.keyboard.type("ran");
  await expect(page.getByPlaceholder(/Note/)).toHaveValue("ran");
  await expect(page).toHaveURL(new RegExp(`${first}$`));
  await expect(page.getByTestId("decision-form")).toBeVisible();
  await page.keyboard.press("ControlOrMeta+a");
  await page.keyboard.press("Backspace");
  await page.keyboard.press("Tab"); // leave the field: keys are shortcuts again

  // a: decide and move on; u within 10 s brings the case back undecided.
  await page.keyboard.press("a");
  const second = await nextCase(page, first);
  expect(await caseState(page, first)).toBe("reviewed");
  await page.keyboard.press("u");
  await expect(page).toHaveURL(new RegExp(`${first}$`));
  await expect(page.getByTestId("state-badge").first()).toHaveAttribute("data-state", /^(quarantined|cleared)$/);
  await expect(page.getByTestId("decision").first()).toHaveAttribute("data-status", "undone");

  // Decide several in a row: r, n, a; each opens the next claimed case.
  const decided: [string, string][] = [];
  let current = first;
  for (const [key, outcome] of [["r", "confirmed_ai"], ["n", "needs_more_info"], ["a", "authentic"]] as const) {
    await expect(page.getByTestId("decision-form")).toBeVisible();
    await page.keyboard.press(key);
    decided.push([current, outcome]);
    await expect.poll(() => caseState(page, current)).toBe("reviewed");
    await expect.poll(() => page.url()).not.toMatch(new RegExp(`${current}$`));
    if (!CASE_URL.test(new URL(page.url()).pathname)) break;
    current = await nextCase(page, current);
  }
  expect(decided.length).toBe(3);
  // The undone case came back to this moderator first, then the case they had already been given.
  expect(decided.map(([id]) => id).slice(0, 2)).toEqual([first, second]);
  expect(new Set(decided.map(([id]) => id)).size).toBe(3);

  // k goes back to the previous case of the session, which shows its decision.
  await page.keyboard.press("k");
  await expect(page).toHaveURL(new RegExp(`${decided.at(-1)![0]}$`));
  await expect(page.getByTestId("decision").last()).toContainText(/authentic/);

  // The evidence report, printable and as JSON, records the undone and the recorded decisions.
  await page.goto(`/cases/${first}/report`);
  await expect(page.getByTestId("report-verdict")).toHaveText(/^Reviewed: confirmed AI-generated/);
  await expect(page.getByTestId("report-decisions").getByRole("listitem")).toHaveCount(2);
  const report = (await (await page.request.get(`/api/v1/cases/${first}/report`)).json()) as { decisions: { outcome: string; status: string }[]; image: { sha256: string } };
  expect(report.decisions.map((d) => [d.outcome, d.status])).toEqual([
    ["authentic", "undone"],
    ["confirmed_ai", "in_force"],
  ]);
  expect(report.image.sha256).toMatch(/^[0-9a-f]{64}$/);
  await page.goBack();
  await expect(page.getByTestId("case-page")).toBeVisible();

  // The same view at phone width.
  await page.setViewportSize({ width: 390, height: 844 });
  // j opens the next claimed case: wait for the new page, not the case page already showing.
  const before = page.url();
  await page.keyboard.press("j");
  await expect(page).not.toHaveURL(before);
  await expect(page).toHaveURL(CASE_URL);
  await expect(page.getByTestId("case-viewer")).toBeVisible();
  await shot(page, testInfo, "390-overlay");
  await page.keyboard.press("s");
  await expect(viewer).toHaveAttribute("data-mode", "side");
  await shot(page, testInfo, "390-side-by-side");
  await page.keyboard.press("s");
  await page.keyboard.press("z");
  await expect(viewer).toHaveAttribute("data-zoom", "1.000");
  await shot(page, testInfo, "390-zoomed");

  // The frequency spectrum is a chart beside the image, never one of its overlays. Checked on this
  // test's own 1600×1000 upload: a claimed case may be another spec's, too small for a spectrum.
  await page.goto(`/cases/${uploaded[0]}`);
  await expect(page.locator('[data-testid="signal-chart"][data-signal="frequency"]')).toBeVisible();
  await expect(page.getByTestId("overlay-chip").first()).toBeVisible();
  expect(await page.getByTestId("overlay-chip").evaluateAll((els) => els.map((e) => e.getAttribute("data-signal")))).not.toContain("frequency");
});
