// Sessions end at once: sign-out, a role change and disabling raise the user's session version, which
// every request compares with the one its session was issued under (lib/auth/session.ts).
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { users } from "../../db/schema";
import { useSharedTestDb } from "../testing/shared-test-db";
import { insertTestUser, TEST_DB_KINDS } from "../testing/test-db";
import { endSessions } from "./end-sessions";
import { updateUser } from "./update-user";

describe.each(TEST_DB_KINDS)("ending sessions on %s", (kind) => {
  const shared = useSharedTestDb(kind, "admin");
  const version = async (id: string) => (await shared.t().db.select({ v: users.sessionVersion }).from(users).where(eq(users.id, id)))[0]!.v;

  it("sign-out, a role change and disabling each raise the version; only the user or an admin may end sessions", async () => {
    const db = shared.t().db;
    const admin = shared.actor();
    const editor = await insertTestUser(db, "editor");
    const other = await insertTestUser(db, "moderator");
    expect(await version(editor.id)).toBe(0);
    await endSessions({ ctx: { db, actor: editor }, input: { userId: editor.id, reason: "sign_out" } });
    expect(await version(editor.id)).toBe(1);
    await expect(endSessions({ ctx: { db, actor: editor }, input: { userId: other.id, reason: "admin" } })).rejects.toMatchObject({ code: "forbidden" });
    await updateUser({ ctx: { db, actor: admin }, input: { userId: editor.id, role: "moderator" } });
    expect(await version(editor.id)).toBe(2);
    await updateUser({ ctx: { db, actor: admin }, input: { userId: editor.id, disabled: true } });
    expect(await version(editor.id)).toBe(3);
    await endSessions({ ctx: { db, actor: admin }, input: { userId: other.id, reason: "admin" } });
    expect(await version(other.id)).toBe(1);
  });
});
