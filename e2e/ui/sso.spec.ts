// Single sign-on through an OpenID Connect provider (README, "Single sign-on"): the e2e servers point
// at a test identity provider whose sign-in page takes the claims as a form (e2e/support/identity-provider.ts).
// Its groups give the role; an account an admin made is bound by email; refusals and a cancel are
// explained on Loupe's sign-in page.
import { expect, test, type Browser, type Page } from "@playwright/test";
import { E2E_ADMIN } from "../../playwright.config";
import { E2E_SSO_GROUPS, E2E_SSO_NAME } from "../support/identity-provider";
import { signIn } from "../support/session";

const stamp = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
const email = (who: string) => `sso-${who}-${stamp}@e2e.test`;

/** A fresh browser goes through the provider as `claims`; returns its page, wherever it ended. */
async function ssoSignIn(browser: Browser, claims: { email: string; groups?: string[]; name?: string }, decision: "allow" | "cancel" = "allow"): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await page.goto("/sign-in");
  const loupe = new URL(page.url()).origin;
  await page.getByRole("button", { name: `Continue with ${E2E_SSO_NAME}` }).click();
  await expect(page.getByRole("heading", { name: "Test identity provider" })).toBeVisible();
  if (decision === "cancel") {
    await page.getByRole("button", { name: "Cancel" }).click();
    await page.waitForURL((url) => url.origin === loupe && !url.pathname.startsWith("/api/auth"));
    return page;
  }
  await page.getByLabel("Email").fill(claims.email);
  if (claims.name) await page.getByLabel("Name").fill(claims.name);
  await page.getByLabel("Groups").fill((claims.groups ?? []).join(","));
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL((url) => url.origin === loupe && !url.pathname.startsWith("/api/auth"));
  return page;
}

async function userRow(page: Page, address: string) {
  await page.goto("/admin/users");
  return page.getByTestId("user-row").filter({ hasText: address });
}

test("a first sign-in through the provider creates the account with the role its groups give", async ({ browser, page }) => {
  const who = email("moderator");
  const sso = await ssoSignIn(browser, { email: who, name: "Sam Moderator", groups: ["unrelated", E2E_SSO_GROUPS.moderator] });
  await expect(sso).toHaveURL(/\/queue/);
  await expect(sso.getByTestId("whoami")).toContainText(`${who} · moderator`);
  await sso.goto("/settings/account");
  await expect(sso.getByText("Your account has no password")).toBeVisible();
  await expect(sso.getByTestId("account-sso")).toContainText(`Continue with ${E2E_SSO_NAME}`);
  await sso.context().close();

  await signIn(page, E2E_ADMIN.email, E2E_ADMIN.password);
  const row = await userRow(page, who);
  await expect(row.getByTestId("user-sign-in-methods")).toHaveText("SSO");
  await expect(row).toContainText("Sam Moderator");
  await expect(page.getByTestId("sso-roles-note")).toContainText("at each sign-in through it, an account takes the role its groups give");
  await expect(row).not.toContainText("Never");
});

test("the provider's groups decide the role at every sign-in; someone with none of them is refused", async ({ browser }) => {
  const who = email("promoted");
  const first = await ssoSignIn(browser, { email: who, groups: [E2E_SSO_GROUPS.editor] });
  await expect(first.getByTestId("whoami")).toContainText(`${who} · editor`);
  const second = await ssoSignIn(browser, { email: who, groups: [E2E_SSO_GROUPS.admin, E2E_SSO_GROUPS.editor] });
  await expect(second.getByTestId("whoami")).toContainText(`${who} · admin`);
  // The role change ended the first browser's session, as one made on the Users page does.
  await first.goto("/queue");
  await expect(first).toHaveURL(/sign-in/);

  const refused = await ssoSignIn(browser, { email: email("outsider"), groups: ["unrelated"] });
  await expect(refused).toHaveURL(/\/sign-in\?error=sso_no_role/);
  await expect(refused.getByTestId("sign-in-error")).toContainText("none of the groups that have a role in Loupe");
  await refused.goto("/queue");
  await expect(refused).toHaveURL(/sign-in/);
  await Promise.all([first, second, refused].map((p) => p.context().close()));
});

test("an account an admin made is bound by its email: without a password it signs in only through the provider", async ({ browser, page }) => {
  const who = email("invited");
  await signIn(page, E2E_ADMIN.email, E2E_ADMIN.password);
  await page.goto("/admin/users");
  const form = page.getByTestId("create-user-form");
  await form.getByPlaceholder("email@example.org").fill(who);
  await expect(form.getByPlaceholder("Password (empty: SSO only)")).toBeVisible();
  await form.locator("select[name=role]").selectOption("moderator");
  await form.getByRole("button", { name: "Create user" }).click();
  await expect(form.getByText(`Created ${who}.`)).toBeVisible();
  await expect((await userRow(page, who)).getByTestId("user-sign-in-methods")).toHaveText("SSO (not yet used)");

  const sso = await ssoSignIn(browser, { email: who, groups: [E2E_SSO_GROUPS.moderator] });
  await expect(sso.getByTestId("whoami")).toContainText(`${who} · moderator`);
  await sso.context().close();
  await expect((await userRow(page, who)).getByTestId("user-sign-in-methods")).toHaveText("SSO");
  // One account: the admin's, now bound, not a second one.
  await expect(page.getByTestId("user-row").filter({ hasText: who })).toHaveCount(1);
});

test("an admin with a password can bind single sign-on to the same account", async ({ browser, page }) => {
  const sso = await ssoSignIn(browser, { email: E2E_ADMIN.email, groups: [E2E_SSO_GROUPS.admin] });
  await expect(sso.getByTestId("whoami")).toContainText(`${E2E_ADMIN.email} · admin`);
  await sso.context().close();
  await signIn(page, E2E_ADMIN.email, E2E_ADMIN.password);
  await expect((await userRow(page, E2E_ADMIN.email)).getByTestId("user-sign-in-methods")).toHaveText("Password + SSO");
});

test("cancelling at the provider comes back to the sign-in page with an explanation", async ({ browser }) => {
  const page = await ssoSignIn(browser, { email: "" }, "cancel");
  await expect(page).toHaveURL(/\/sign-in\?error=/);
  await expect(page.getByTestId("sign-in-error")).toContainText("Single sign-on did not complete");
  await expect(page.getByRole("button", { name: `Continue with ${E2E_SSO_NAME}` })).toBeVisible();
  await page.context().close();
});
