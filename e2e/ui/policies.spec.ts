// An admin tries thresholds on a policy: the preview replays the last 30 days' cases and moves the
// operating points on the ROC curve as the sliders move, before anything is saved. A policy with an
// auto-clear band and blur, assigned to one API key, decides that key's uploads; its images open
// blurred until `b`. A labelled folder (ai/ and real/) adds its own ROC curve.
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { makeGeneratorPng, makeJpeg, makePng } from "../../lib/detection/testing";
import { E2E_ADMIN } from "../../playwright.config";
import { createApiKey, signIn } from "../support/session";

async function shot(page: Page, testInfo: import("@playwright/test").TestInfo, name: string) {
  const file = testInfo.outputPath(`${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  await testInfo.attach(name, { path: file, contentType: "image/png" });
}

test("moving a policy's thresholds changes the preview counts live", async ({ page }, testInfo) => {
  await signIn(page, E2E_ADMIN.email, E2E_ADMIN.password);
  await page.goto("/upload");
  await page.getByTestId("file-input").setInputFiles([
    { name: "policy-a.jpg", mimeType: "image/jpeg", buffer: await makeJpeg({ width: 512, height: 384, seed: 611 }) },
    { name: "policy-b.png", mimeType: "image/png", buffer: await makePng({ width: 384, height: 384, seed: 612 }) },
  ]);
  await expect(page.getByTestId("upload-summary")).toHaveText("2 uploaded · 0 failed · 0 in progress");
  // Wait until both are scanned (the queue lists them as quarantined or cleared).
  await expect(async () => {
    await page.goto("/queue?q=policy-");
    for (const name of ["policy-a.jpg", "policy-b.png"]) {
      await expect(page.getByRole("row").filter({ hasText: name }).first()).toContainText(/quarantined|cleared/i, { timeout: 1000 });
    }
  }).toPass({ timeout: 60_000 });

  await page.goto("/admin/policies");
  const policy = page.getByTestId("policy").first();
  await policy.getByLabel("Inconclusive verdicts").selectOption("clear");
  const slider = policy.getByLabel("Quarantine threshold", { exact: true });
  const counts = async () => ({
    q: Number(await policy.getByTestId("preview-quarantined").textContent()),
    c: Number(await policy.getByTestId("preview-cleared").textContent()),
  });
  await slider.focus();
  await page.keyboard.press("End");
  await expect(policy.getByLabel("Quarantine at score ≥")).toHaveValue("100");
  const strict = await counts();
  await page.keyboard.press("Home");
  await expect(policy.getByLabel("Quarantine at score ≥")).toHaveValue("1");
  const loose = await counts();
  expect(strict.q + strict.c).toBeGreaterThanOrEqual(2);
  expect(loose.q + loose.c).toBe(strict.q + strict.c);
  // Scanned images score above 1 and below 100: the low threshold quarantines more.
  expect(loose.q).toBeGreaterThan(strict.q);

  // The auto-clear band: at 99 under a quarantine threshold of 100 it clears every case that the quarantine threshold does not take.
  await policy.getByLabel("Quarantine at score ≥").fill("100");
  await policy.getByLabel("Inconclusive verdicts").selectOption("quarantine");
  const autoSlider = policy.getByLabel("Auto-clear threshold", { exact: true });
  await autoSlider.focus();
  await page.keyboard.press("End");
  await expect(policy.getByLabel("Auto-clear at score ≤")).toHaveValue("99");
  const banded = await counts();
  expect(Number(await policy.getByTestId("preview-auto-cleared").textContent())).toBe(banded.c);
  expect(banded.q + banded.c).toBe(strict.q + strict.c);
  expect(banded.c).toBeGreaterThanOrEqual(1);
  await page.keyboard.press("Home");
  await expect(policy.getByLabel("Auto-clear at score ≤")).toHaveValue("0");
  await expect(policy.getByTestId("preview-auto-cleared")).toHaveCount(0);
  // An auto-clear threshold at or above the quarantine threshold cannot be saved.
  await policy.getByLabel("Quarantine at score ≥").fill("30");
  await policy.getByLabel("Auto-clear at score ≤").fill("30");
  await expect(policy.getByTestId("band-error")).toContainText("must be below the quarantine threshold");
  await expect(policy.getByRole("button", { name: "Save" })).toBeDisabled();
  await policy.getByLabel("Auto-clear at score ≤").fill("10");
  await expect(policy.getByTestId("band-error")).toHaveCount(0);

  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: 900 });
    await shot(page, testInfo, `policy-editor-${width}`);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
  }
});

test("a blurring policy with an auto-clear band, assigned to an API key, decides its uploads; b reveals", async ({ page }, testInfo) => {
  await signIn(page, E2E_ADMIN.email, E2E_ADMIN.password);
  const suffix = Date.now().toString(36);
  const keyName = `sensitive-key-${suffix}`;
  const secret = await createApiKey(page, keyName);
  const name = `sensitive-${suffix}`;

  await page.goto("/admin/policies");
  const form = page.locator("section").filter({ has: page.getByRole("heading", { name: "New policy" }) });
  await form.getByLabel("Name").fill(name);
  await form.getByLabel("Quarantine at score ≥").fill("90");
  await form.getByLabel("Auto-clear at score ≤").fill("40");
  await form.getByLabel("Blur images until revealed").check();
  await form.getByLabel("Remove images").fill("30");
  await form.getByRole("button", { name: "Add" }).click();
  await expect(form.getByRole("status")).toHaveText(`Saved ${name}.`);

  await page.reload();
  // The retention is kept, with what the sweep has done for the policy so far.
  const saved = page.getByTestId("policy").filter({ has: page.locator(`input[name="name"][value="${name}"]`) });
  await expect(saved.getByLabel("Remove images")).toHaveValue("30");
  await expect(saved.getByTestId("retention-figures")).toHaveText(/^0 images removed so far; 0 due at the next sweep/);
  const rule = page.getByTestId("assignment-rule").filter({ hasText: keyName });
  await rule.getByRole("combobox").selectOption({ label: name });
  await rule.getByRole("button", { name: "Save rule" }).click();
  await expect(rule.getByRole("status")).toHaveText("Rule saved.");

  // The key's upload gets the key's policy; a likely authentic photo scores well under 40, so the band clears it.
  const auth = { authorization: `Bearer ${secret}` };
  const res = await page.request.post("/api/v1/cases", { headers: auth, multipart: { file: { name: "sensitive.jpg", mimeType: "image/jpeg", buffer: await makeJpeg({ width: 256, height: 192, seed: 8811 }) } } });
  expect(res.status()).toBe(202);
  const id = (await res.json()).id as string;
  await expect(async () => {
    const c = await (await page.request.get(`/api/v1/cases/${id}`, { headers: auth })).json();
    expect(c.state).toBe("cleared");
    expect(c.policy?.name ?? c.policy).toContain(name);
  }).toPass({ timeout: 60_000 });

  // In the queue its thumbnail is blurred too (a case of the default policy is not).
  await page.goto(`/queue?q=${id}`);
  await expect(page.locator(`[data-testid="queue-row"][data-case-id="${id}"] img`)).toHaveAttribute("data-blurred", "true");
  await expect(page.locator("[data-testid=queue-row] img[data-blurred]")).toHaveCount(1);

  await page.goto(`/cases/${id}`);
  await expect(page.getByTestId("verdict-sentence").first()).toContainText("≤ policy auto-clear threshold 40");
  const viewer = page.getByTestId("case-viewer");
  await expect(viewer).toHaveAttribute("data-blurred", "true");
  await shot(page, testInfo, "case-blurred");
  await page.locator("body").press("b");
  await expect(viewer).toHaveAttribute("data-blurred", "false");
  await page.locator("body").press("b");
  await expect(viewer).toHaveAttribute("data-blurred", "true");
  await page.getByTestId("reveal-image").click();
  await expect(viewer).toHaveAttribute("data-blurred", "false");
  await page.keyboard.press("?");
  await expect(page.getByRole("dialog")).toContainText("Reveal / blur again");
});

test("a labelled folder adds its ROC curve beside the reviewed cases'", async ({ page }, testInfo) => {
  const dir = testInfo.outputPath("labelled");
  await mkdir(join(dir, "ai"), { recursive: true });
  await mkdir(join(dir, "real"), { recursive: true });
  for (let i = 0; i < 3; i++) {
    await writeFile(join(dir, "ai", `a${i}.png`), await makeGeneratorPng({ width: 160, height: 120, seed: 900 + i }));
    await writeFile(join(dir, "real", `r${i}.jpg`), await makeJpeg({ width: 160, height: 120, seed: 950 + i }));
  }
  await signIn(page, E2E_ADMIN.email, E2E_ADMIN.password);
  await page.goto("/admin/policies");
  const policy = page.getByTestId("policy").first();
  await policy.getByTestId("labelled-folder-input").setInputFiles(dir);
  await expect(policy.getByTestId("labelled-set-message")).toContainText("Scored 6 images");
  await expect(policy.getByTestId("roc-uploaded")).toBeVisible();
  await expect(policy.getByTestId("roc-uploaded-caption")).toContainText("AUC 1.00 · 3 AI / 3 real");
  await expect(policy.getByTestId("roc-uploaded-quarantine")).toBeAttached();
  await policy.getByLabel("Auto-clear at score ≤").fill("20");
  await expect(policy.getByTestId("roc-uploaded-autoclear")).toBeAttached();
  await expect(policy.getByTestId("uploaded-summary")).toContainText("of the AI images");
  await shot(page, testInfo, "policy-editor-labelled-set");
});
