import { expect, type Page } from "@playwright/test";

export async function signIn(page: Page, email: string, password: string) {
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByTestId("whoami")).toContainText(email);
}

export async function signOut(page: Page) {
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/sign-in/);
}

/** Admin creates a user through the Users page (idempotent across retries: conflicts are fine). */
export async function ensureUser(page: Page, user: { email: string; password: string; role: "editor" | "moderator" | "admin" }) {
  await page.goto("/admin/users");
  const form = page.getByTestId("create-user-form");
  await form.getByPlaceholder("email@example.org").fill(user.email);
  await form.getByLabel("Initial password").fill(user.password);
  await form.locator("select[name=role]").selectOption(user.role);
  await form.getByRole("button", { name: "Create user" }).click();
  await expect(form.getByText(/Created|already exists/)).toBeVisible();
}

export async function createApiKey(page: Page, name: string): Promise<string> {
  await page.goto("/settings/api-keys");
  await page.getByPlaceholder(/Key name/).fill(name);
  await page.getByRole("button", { name: "Create key" }).click();
  const secret = (await page.getByTestId("api-key-secret").textContent())?.trim() ?? "";
  expect(secret).toMatch(/^lp_live_/);
  return secret;
}

/**
 * Admin makes a key on the All keys page (the admin must be signed in): for `owner` (its option label,
 * "email (role)"), with the given scopes (default all), test mode and limits. Returns the secret.
 */
export async function adminCreateApiKey(
  page: Page,
  opts: { owner: string; name: string; scopes?: string[]; test?: boolean; rateLimitPerMinute?: number; monthlyImageQuota?: number },
): Promise<string> {
  await page.goto("/admin/api-keys");
  const form = page.getByTestId("admin-create-key-form");
  await form.getByLabel("Owner").selectOption({ label: opts.owner });
  await form.getByPlaceholder(/Key name/).fill(opts.name);
  if (opts.rateLimitPerMinute !== undefined) await form.getByLabel("Requests per minute").fill(String(opts.rateLimitPerMinute));
  if (opts.monthlyImageQuota !== undefined) await form.getByLabel("Images per month").fill(String(opts.monthlyImageQuota));
  for (const box of await form.locator("input[name=scopes]").all()) {
    const value = (await box.getAttribute("value")) ?? "";
    await box.setChecked(opts.scopes === undefined || opts.scopes.includes(value));
  }
  await form.locator("input[name=test]").setChecked(!!opts.test);
  await form.getByRole("button", { name: "Create key" }).click();
  const secret = (await form.getByTestId("api-key-secret").textContent())?.trim() ?? "";
  expect(secret).toMatch(opts.test ? /^lp_test_/ : /^lp_live_/);
  return secret;
}
