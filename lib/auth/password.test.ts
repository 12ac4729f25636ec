import bcrypt from "bcryptjs";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { users } from "../../db/schema";
import { useSharedTestDb } from "../testing/shared-test-db";
import { insertTestUser } from "../testing/test-db";
import { hashPassword, needsRehash, verifyPassword } from "./password";
import { verifyCredentials } from "./verify-credentials";

describe("passwords", () => {
  it("hashes with salted scrypt and verifies only the right password", async () => {
    const a = await hashPassword("correct horse");
    const b = await hashPassword("correct horse");
    expect(a).toMatch(/^scrypt\$32768\$8\$3\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword("correct horse", a)).toBe(true);
    expect(await verifyPassword("correct horsf", a)).toBe(false);
    expect(await verifyPassword("x", "garbage")).toBe(false);
    expect(needsRehash(a)).toBe(false);
  });

  describe("an account from before scrypt", () => {
    const shared = useSharedTestDb("pglite");
    it("signs in with its bcrypt hash, which is then replaced by scrypt", async () => {
      const db = shared.t().db;
      const u = await insertTestUser(db, "editor", "legacy@example.test");
      await db.update(users).set({ passwordHash: await bcrypt.hash("old-password", 4) }).where(eq(users.id, u.id));
      expect(await verifyCredentials(db, "legacy@example.test", "wrong")).toBeNull();
      expect(await verifyCredentials(db, "legacy@example.test", "old-password")).toMatchObject({ id: u.id });
      const [row] = await db.select().from(users).where(eq(users.id, u.id));
      expect(needsRehash(row!.passwordHash!)).toBe(false);
      expect(await verifyCredentials(db, "legacy@example.test", "old-password")).toMatchObject({ id: u.id });
      expect(await verifyCredentials(db, "nobody@example.test", "old-password")).toBeNull();
    });
  });
});
