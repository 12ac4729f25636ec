// The hostile-input suite through the upload page's server action: every file ends uploaded or with a
// stable error code shown beside it — never "something went wrong" — in batches of the page's maximum.
import { expect, test } from "@playwright/test";
import { makeHostileFiles } from "../../lib/detection/testing";
import { MAX_FILES_PER_BATCH } from "../../lib/limits";
import { E2E_ADMIN } from "../../playwright.config";
import { signIn } from "../support/session";

test("200+ hostile files through the upload page", async ({ page }) => {
  test.setTimeout(600_000);
  const files = await makeHostileFiles();
  await signIn(page, E2E_ADMIN.email, E2E_ADMIN.password);
  for (let i = 0; i < files.length; i += MAX_FILES_PER_BATCH) {
    const batch = files.slice(i, i + MAX_FILES_PER_BATCH);
    await page.goto("/upload");
    await page.getByTestId("file-input").setInputFiles(batch.map((f) => ({ name: f.name, mimeType: "application/octet-stream", buffer: f.bytes })));
    await expect(page.getByTestId("upload-summary")).toHaveText(/ · 0 in progress$/, { timeout: 300_000 });
    const rows = page.getByTestId("upload-row");
    await expect(rows).toHaveCount(batch.length);
    const outcomes = await rows.evaluateAll((els) =>
      els.map((el) => ({ name: el.querySelector("[title]")?.getAttribute("title") ?? "", status: el.getAttribute("data-status"), code: el.querySelector("[data-code]")?.getAttribute("data-code") ?? null })),
    );
    const expectOf = new Map(batch.map((f) => [f.name, f.expect]));
    const wrong = outcomes.filter((o) =>
      o.status === "done" ? expectOf.get(o.name) === "refuse" : o.status !== "error" || expectOf.get(o.name) === "accept" || !/^(image_[a-z_]+|invalid_request|payload_too_large)$/.test(o.code ?? ""),
    );
    expect(wrong).toEqual([]);
  }
});
