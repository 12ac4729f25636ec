// Every advertised format through `POST /api/v1/cases`, each ending in a scanned case whose display
// image a browser can show.
import { expect, test } from "@playwright/test";
import { ADVERTISED_FORMATS } from "../../lib/detection/testing";
import { E2E_ADMIN } from "../../playwright.config";
import { createApiKey, signIn } from "../support/session";

let key = "";
test.beforeAll(async ({ browser }) => {
  const page = await browser.newPage();
  await signIn(page, E2E_ADMIN.email, E2E_ADMIN.password);
  key = await createApiKey(page, "e2e-formats");
  await page.close();
});

for (const f of ADVERTISED_FORMATS) {
  test(`${f.format} through the API ends in a scanned case`, async ({ request }) => {
    test.skip(!f.available(), "heif-enc is not installed (.ci/run installs it)");
    const headers = { authorization: `Bearer ${key}` };
    const bytes = await f.make();
    const res = await request.post("/api/v1/cases", { headers, multipart: { file: { name: `api.${f.ext}`, mimeType: "application/octet-stream", buffer: bytes } } });
    expect(res.status()).toBe(202);
    const body = await res.json();
    expect(body.image).toMatchObject({ format: f.format, width: f.width, height: f.height });
    await expect
      .poll(async () => (await (await request.get(`/api/v1/cases/${body.id}`, { headers })).json()).state, { timeout: 60_000 })
      .toMatch(/^(quarantined|cleared)$/);
    const shown = await request.get(body.links.display_image, { headers });
    expect(shown.status()).toBe(200);
    expect(shown.headers()["content-type"]).toBe(f.displayedAs);
  });
}
