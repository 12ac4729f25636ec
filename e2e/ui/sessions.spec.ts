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

const CHANGER = { email: "password-changer@e2e.test", password: "first-password", role: "moderator" as const };

test("changing one's password ends every session; an admin's reset hands over a new one", async ({ browser, page }) => {
  await signIn(page, E2E_ADMIN.email, E2E_ADMIN.password);
  await ensureUser(page, CHANGER);

  const a = await browser.newContext();
  const pageA = await a.newPage();
  await signIn(pageA, CHANGER.email, CHANGER.password);
  const b = await browser.newContext();
  const pageB = await b.newPage();
  await signIn(pageB, CHANGER.email, CHANGER.password);

  // From the nav to the account page, then a wrong current password: refused, nothing changes.
  await pageA.getByTestId("whoami").click();
  await expect(pageA.getByRole("heading", { name: "Your account" })).toBeVisible();
  const form = pageA.getByTestId("change-password-form");
  await form.getByLabel("Current password").fill("not-the-password");
  await form.getByLabel("New password (8 characters or more)").fill("second-password");
  await form.getByLabel("New password again").fill("second-password");
  await form.getByRole("button", { name: "Change password" }).click();
  await expect(form.getByRole("alert")).toHaveText("The current password is wrong.");

  await form.getByLabel("Current password").fill(CHANGER.password);
  await form.getByLabel("New password (8 characters or more)").fill("second-password");
  await form.getByLabel("New password again").fill("second-password");
  await form.getByRole("button", { name: "Change password" }).click();
  await expect(pageA).toHaveURL(/sign-in\?notice=password-changed/);
  await expect(pageA.getByRole("status")).toContainText("Your password was changed");
  // The other browser is signed out too, and only the new password works.
  await pageB.goto("/queue");
  await expect(pageB).toHaveURL(/sign-in/);
  await pageA.getByLabel("Email").fill(CHANGER.email);
  await pageA.getByLabel("Password").fill(CHANGER.password);
  await pageA.getByRole("button", { name: "Sign in" }).click();
  await expect(pageA.getByText("Wrong email or password")).toBeVisible();
  await signIn(pageA, CHANGER.email, "second-password");

  // The admin resets it (after confirming): the user's session ends and the shown password works.
  await page.goto("/admin/users");
  const row = page.getByTestId("user-row").filter({ hasText: CHANGER.email });
  await row.getByRole("button", { name: "Reset password" }).click();
  await row.getByRole("alertdialog").getByRole("button", { name: "Confirm" }).click();
  const handed = (await row.getByTestId("new-password").textContent())?.trim() ?? "";
  expect(handed.length).toBeGreaterThanOrEqual(12);
  await pageA.goto("/queue");
  await expect(pageA).toHaveURL(/sign-in/);
  await signIn(pageA, CHANGER.email, handed);

  // A role change asks first; cancelling leaves the role as it was.
  await row.getByLabel(`Role of ${CHANGER.email}`).selectOption("editor");
  await expect(row.getByRole("alertdialog")).toContainText(`Make ${CHANGER.email} editor?`);
  await row.getByRole("alertdialog").getByRole("button", { name: "Cancel" }).click();
  await expect(row.getByLabel(`Role of ${CHANGER.email}`)).toHaveValue("moderator");
  await pageA.goto("/queue");
  await expect(pageA.getByTestId("whoami")).toContainText("moderator");
  await Promise.all([a.close(), b.close()]);
});
