// A session cookie stops working the moment its user signs out (not 12 hours later), in every browser.
import { expect, test } from "@playwright/test";
import { E2E_ADMIN } from "../../playwright.config";
import { ensureUser, signIn, signOut } from "../support/session";

const USER = { email: "session-user@e2e.test", password: "session-user-pass", role: "editor" as const };

test("an old session cookie is refused after sign-out, also in another browser", async ({ browser, page }) => {
  await signIn(page, E2E_ADMIN.email, E2E_ADMIN.password);
  await ensureUser(page, USER);
  await signOut(page);

  const a = await browser.newContext();
  const pageA = await a.newPage();
  await signIn(pageA, USER.email, USER.password);
  const cookies = await a.cookies();
  // A second browser signed in as the same user.
  const b = await browser.newContext();
  const pageB = await b.newPage();
  await signIn(pageB, USER.email, USER.password);

  await signOut(pageA);
  // The cookie from before the sign-out, replayed in a fresh browser.
  const replay = await browser.newContext();
  await replay.addCookies(cookies);
  const pageR = await replay.newPage();
  await pageR.goto("/queue");
  await expect(pageR).toHaveURL(/sign-in/);
  // The other browser's session ended too.
  await pageB.goto("/queue");
  await expect(pageB).toHaveURL(/sign-in/);
  await Promise.all([a.close(), b.close(), replay.close()]);
});
