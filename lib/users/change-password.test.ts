// Changing one's password checks the current one (throttled like sign-in) and ends every session;
// an admin's reset hands out a generated password once and ends the user's sessions too.
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { users } from "../../db/schema";
import { hashPassword, verifyPassword } from "../auth/password";
import { ACCOUNT_RULE } from "../auth/throttle";
import { useSharedTestDb } from "../testing/shared-test-db";
import { insertTestUser, TEST_DB_KINDS } from "../testing/test-db";
import { changePassword, resetPassword } from "./change-password";

describe.each(TEST_DB_KINDS)("passwords on %s", (kind) => {
  const shared = useSharedTestDb(kind, "admin");
  const row = async (id: string) => (await shared.t().db.select().from(users).where(eq(users.id, id)))[0]!;

  async function userWithPassword(password: string) {
    const db = shared.t().db;
    const user = await insertTestUser(db, "editor");
    await db.update(users).set({ passwordHash: await hashPassword(password) }).where(eq(users.id, user.id));
    return user;
  }

  it("a user changes their own password: the old one stops working and every session ends", async () => {
    const db = shared.t().db;
    const user = await userWithPassword("old-password-1");
    await changePassword({ ctx: { db, actor: user }, input: { currentPassword: "old-password-1", newPassword: "new-password-2" } });
    const after = await row(user.id);
    expect(await verifyPassword("new-password-2", after.passwordHash!)).toBe(true);
    expect(await verifyPassword("old-password-1", after.passwordHash!)).toBe(false);
    expect(after.sessionVersion).toBe(1);
  });

  it("refuses a wrong current password, a short or unchanged new one, with the field named", async () => {
    const db = shared.t().db;
    const user = await userWithPassword("right-password");
    const ctx = { db, actor: user };
    await expect(changePassword({ ctx, input: { currentPassword: "wrong-password", newPassword: "whatever-123" } })).rejects.toMatchObject({ code: "invalid_request", param: "currentPassword" });
    await expect(changePassword({ ctx, input: { currentPassword: "right-password", newPassword: "short" } })).rejects.toMatchObject({ name: "ZodError" });
    await expect(changePassword({ ctx, input: { currentPassword: "right-password", newPassword: "right-password" } })).rejects.toMatchObject({ code: "invalid_request", param: "newPassword" });
    const after = await row(user.id);
    expect(await verifyPassword("right-password", after.passwordHash!)).toBe(true);
    expect(after.sessionVersion).toBe(0);
  });

  it("wrong current passwords are throttled like sign-in: after the lock, even the right one is refused", async () => {
    const db = shared.t().db;
    const user = await userWithPassword("right-password");
    const ctx = { db, actor: user };
    for (let i = 0; i < ACCOUNT_RULE.lockAt; i++) {
      await changePassword({ ctx, input: { currentPassword: `guess-${i}`, newPassword: "whatever-123" } }).catch(() => {});
    }
    await expect(changePassword({ ctx, input: { currentPassword: "right-password", newPassword: "whatever-123" } })).rejects.toMatchObject({ code: "rate_limited" });
  });

  it("an admin resets a user's password: a new generated one works once handed over, sessions end, others may not", async () => {
    const db = shared.t().db;
    const admin = shared.actor();
    const user = await userWithPassword("forgotten-password");
    await expect(resetPassword({ ctx: { db, actor: user }, input: { userId: user.id } })).rejects.toMatchObject({ code: "forbidden" });
    const { password } = await resetPassword({ ctx: { db, actor: admin }, input: { userId: user.id } });
    expect(password.length).toBeGreaterThanOrEqual(12);
    const after = await row(user.id);
    expect(await verifyPassword(password, after.passwordHash!)).toBe(true);
    expect(await verifyPassword("forgotten-password", after.passwordHash!)).toBe(false);
    expect(after.sessionVersion).toBe(1);
    await expect(resetPassword({ ctx: { db, actor: admin }, input: { userId: "usr_missing" } })).rejects.toMatchObject({ code: "not_found" });
  });
});
