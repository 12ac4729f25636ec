// A moderator triages 10 cases by keyboard only: from the queue, "j" claims the first case, and each
// decision key (a, r, n) records the decision and opens the next claimed case. A listener installed in
// every document the tab loads counts trusted mouse and pointer events (and clicks with a pointer
// detail): none happens from the first "j" to the tenth decision.
import { expect, test, type Page } from "@playwright/test";
import { makeJpeg } from "../../lib/detection/testing";
import { E2E_ADMIN } from "../../playwright.config";
import { ensureUser, signIn, signOut } from "../support/session";

const MODERATOR = { email: "triage-ten@e2e.test", password: "triage-ten-pass", role: "moderator" as const };
const CASE_URL = /\/cases\/(case_[0-9a-z]+)$/;
const caseIdOf = (page: Page) => CASE_URL.exec(new URL(page.url()).pathname)?.[1] ?? null;

async function caseState(page: Page, id: string): Promise<string> {
  const res = await page.request.get(`/api/v1/cases/${id}`);
  expect(res.ok()).toBe(true);
  return ((await res.json()) as { state: string }).state;
}

test("a moderator triages 10 cases by keyboard only, with no mouse event", async ({ page }) => {
  test.setTimeout(400_000);
  await page.setViewportSize({ width: 1280, height: 720 });
  await signIn(page, E2E_ADMIN.email, E2E_ADMIN.password);
  await ensureUser(page, MODERATOR);
  await signOut(page);
  await signIn(page, MODERATOR.email, MODERATOR.password);

  // Ten cases of this moderator's own, through the API with the session.
  const ids: string[] = [];
  for (let i = 0; i < 10; i++) {
    const res = await page.request.post("/api/v1/cases", {
      multipart: { file: { name: `ten-${i}.jpg`, mimeType: "image/jpeg", buffer: await makeJpeg({ width: 320 + i * 16, height: 240, seed: 1200 + i }) } },
    });
    expect(res.status()).toBe(202);
    ids.push(((await res.json()) as { id: string }).id);
  }
  for (const id of ids) await expect.poll(() => caseState(page, id), { timeout: 120_000 }).toMatch(/^(quarantined|cleared)$/);

  await page.addInitScript(() => {
    const bump = () => sessionStorage.setItem("mouseEvents", String(Number(sessionStorage.getItem("mouseEvents") ?? "0") + 1));
    for (const type of ["mousedown", "mouseup", "mousemove", "pointerdown", "pointerup", "pointermove", "wheel", "contextmenu", "dblclick", "auxclick"]) {
      document.addEventListener(type, (e) => e.isTrusted && bump(), true);
    }
    // A click from the keyboard (Enter on a button) has detail 0; a pointer's click counts its presses.
    document.addEventListener("click", (e) => e.isTrusted && e.detail > 0 && bump(), true);
  });
  await page.goto("/queue");
  await page.evaluate(() => sessionStorage.setItem("mouseEvents", "0"));
  await expect(page.getByTestId("start-reviewing")).toBeVisible();

  // From here on: keyboard only.
  await page.keyboard.press("j");
  await expect(page).toHaveURL(CASE_URL);
  const decided: string[] = [];
  const keys = ["a", "r", "n"] as const;
  for (let i = 0; i < 10; i++) {
    const current = caseIdOf(page)!;
    await expect(page.getByTestId("case-page")).toHaveAttribute("data-case", current);
    await expect(page.getByTestId("decision-form")).toBeVisible();
    await page.keyboard.press(keys[i % 3]!);
    await expect.poll(() => caseState(page, current)).toBe("reviewed");
    decided.push(current);
    // The next claimed case opens (or, after the last one, possibly the queue when it is empty).
    await expect.poll(() => caseIdOf(page)).not.toBe(current);
    if (i < 9) await expect(page).toHaveURL(CASE_URL);
  }
  expect(new Set(decided).size).toBe(10);
  expect(await page.evaluate(() => Number(sessionStorage.getItem("mouseEvents") ?? "-1"))).toBe(0);
});
