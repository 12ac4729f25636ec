// Webhooks from the UI: a key's endpoint added on the API-keys page (secret shown once) receives the
// signed events of the cases that key submits; the admin's delivery log lists them and Replay sends an
// event again with the same id.
import { expect, test } from "@playwright/test";
import { makeJpeg } from "../../lib/detection/testing";
import { startReceiver, type Receiver } from "../../lib/testing/webhook-receiver";
import { verifyWebhookSignature } from "../../lib/webhooks/signature";
import { E2E_ADMIN } from "../../playwright.config";
import { createApiKey, signIn } from "../support/session";

let receiver: Receiver;
test.beforeAll(async () => {
  receiver = await startReceiver("/ui-hook");
});
test.afterAll(async () => {
  await receiver?.close();
});

test("a key's webhook receives signed events, and the admin replays one from the delivery log", async ({ page, request }) => {
  await signIn(page, E2E_ADMIN.email, E2E_ADMIN.password);
  // A name of this run's own: a retry (or a second run on the same database) finds the earlier key too.
  const name = `ui-webhooks-${Date.now().toString(36)}`;
  const key = await createApiKey(page, name);
  const row = page.getByTestId("api-key-row").filter({ hasText: name });
  await row.getByTestId("webhooks").locator("summary").click();
  const form = row.getByTestId("create-webhook-form");
  await form.getByPlaceholder(/loupe-webhook/).fill(receiver.url);
  await form.getByLabel("detection.completed").check();
  await form.getByRole("button", { name: "Add webhook" }).click();
  const secret = ((await form.getByTestId("webhook-secret").textContent()) ?? "").trim();
  expect(secret).toMatch(/^whsec_/);
  await page.reload();
  await row.getByTestId("webhooks").locator("summary").click();
  await expect(row.getByTestId("webhook-row")).toContainText(receiver.url);
  await expect(row.getByTestId("webhook-row")).toContainText("detection.completed");
  await expect(row.getByTestId("webhook-row")).not.toContainText(secret);

  const res = await request.post("/api/v1/cases", {
    headers: { authorization: `Bearer ${key}` },
    multipart: { file: { name: "hooked.jpg", mimeType: "image/jpeg", buffer: await makeJpeg({ width: 120, height: 100, seed: 801 }) } },
  });
  const caseId = (await res.json()).id as string;
  await expect.poll(() => receiver.received.length, { timeout: 90_000 }).toBe(1);
  const first = receiver.received[0]!;
  expect(verifyWebhookSignature({ secret, header: first.headers["x-loupe-signature"] as string, body: first.body })).toBe(true);
  const event = JSON.parse(first.body);
  expect(event).toMatchObject({ type: "detection.completed", data: { case: { id: caseId } } });

  await page.goto("/admin/webhooks");
  const delivery = page.getByTestId("delivery-row").filter({ hasText: event.id });
  await expect(delivery).toContainText("delivered");
  await expect(delivery).toContainText("#1: 200");
  await delivery.getByRole("button", { name: "Replay" }).click();
  await expect.poll(() => receiver.received.length, { timeout: 30_000 }).toBe(2);
  expect(JSON.parse(receiver.received[1]!.body).id).toBe(event.id);
  expect(receiver.received[1]!.headers["x-loupe-event-id"]).toBe(event.id);
  await page.reload();
  await expect(page.getByTestId("delivery-row").filter({ hasText: event.id })).toHaveCount(2);
});
