// Vitest-only helpers (they register hooks); plain test-db.ts stays importable from e2e/serve.ts.
import { afterAll, beforeAll } from "vitest";
import type { Role } from "../auth/roles";
import type { Actor } from "../context";
import { createTestDb, insertTestUser, useTempBlobStore, type TestDb } from "./test-db";

/**
 * A test database and a temp blob store created before all tests of the file and dropped after, with
 * one user of `role`: for files whose tests share them. The getters return the live values.
 */
export function useSharedTestDb(kind: "pglite" | "postgres", role: Role = "editor"): { t(): TestDb; actor(): Actor; blobDir(): string } {
  let t: TestDb;
  let actor: Actor;
  let blobs: Awaited<ReturnType<typeof useTempBlobStore>>;
  beforeAll(async () => {
    t = await createTestDb(kind);
    blobs = await useTempBlobStore();
    actor = await insertTestUser(t.db, role);
  });
  afterAll(async () => {
    await t?.cleanup();
    await blobs?.cleanup();
  });
  return { t: () => t, actor: () => actor, blobDir: () => blobs.dir };
}
