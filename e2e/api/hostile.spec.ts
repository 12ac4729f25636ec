// The hostile-input suite through the REST API: every file gets 202 or a stable 4xx envelope — never a
// 5xx — and the server still answers health after each.
import { expect, test } from "@playwright/test";
import { makeHostileFiles, HOSTILE_TEXT } from "../../lib/detection/testing";
import { E2E_ADMIN } from "../../playwright.config";
import { createApiKey, signIn } from "../support/session";

let key = "";
test.beforeAll(async ({ browser }) => {
  const page = await browser.newPage();
  await signIn(page, E2E_ADMIN.email, E2E_ADMIN.password);
  key = await createApiKey(page, "e2e-hostile");
  await page.close();
});

test("200+ hostile files through POST /api/v1/cases", async ({ request }) => {
  test.setTimeout(600_000);
  const files = await makeHostileFiles();
  const headers = { authorization: `Bearer ${key}` };
  const bad: string[] = [];
  for (const f of files) {
    const res = await request.post("/api/v1/cases", { headers, multipart: { file: { name: f.name, mimeType: "application/octet-stream", buffer: f.bytes } }, timeout: 10_000 });
    const status = res.status();
    const body = await res.json();
    const ok = status === 202 ? f.expect !== "refuse" : status >= 400 && status < 500 && f.expect !== "accept" && typeof body.error?.code === "string";
    if (!ok) bad.push(`${f.name}: ${status} ${JSON.stringify(body.error ?? body.state)}`);
    expect((await request.get("/api/v1/health")).status(), `health after ${f.name}`).toBe(200);
  }
  expect(bad).toEqual([]);
});

test("control characters in every text field are refused with invalid_request", async ({ request }) => {
  const headers = { authorization: `Bearer ${key}` };
  const files = await makeHostileFiles();
  const jpeg = files.find((f) => f.name === "valid.jpg")!.bytes;
  for (const t of HOSTILE_TEXT) {
    for (const field of ["external_ref", "policy"]) {
      const res = await request.post("/api/v1/cases", { headers, multipart: { file: { name: "ok.jpg", mimeType: "image/jpeg", buffer: jpeg }, [field]: t } });
      expect({ field, t, status: res.status(), code: (await res.json()).error?.code }).toEqual({ field, t, status: 400, code: "invalid_request" });
    }
    const raw = await request.post(`/api/v1/cases?filename=${encodeURIComponent(`bad${t}.jpg`)}`, { headers: { ...headers, "content-type": "image/jpeg" }, data: jpeg });
    expect([t, raw.status()]).toEqual([t, 400]);
  }
});
