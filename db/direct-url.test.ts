// DATABASE_DIRECT_URL: behind a transaction-mode pooler (PgBouncer) LISTEN and the migration's session
// advisory lock need a direct connection (deploy/README.md). Here the pooled URL leads nowhere, so
// anything that still went through it would fail: migrating and listening must use the direct URL
// alone, and queries the pooled one.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPostgresTestDb, serverUrl, type TestDb } from "../lib/testing/test-db";
import { openDb, type DbHandle } from "./index";

/** Nothing listens on port 1: every connection attempt is refused at once. */
const NOWHERE = "postgres://postgres@127.0.0.1:1/nowhere?connect_timeout=2";

describe.runIf(serverUrl)("a direct URL beside a pooled one (PostgreSQL)", () => {
  let t: TestDb;
  let handle: DbHandle;
  beforeAll(async () => {
    t = await createPostgresTestDb(serverUrl!);
    // Migrations run again on the already migrated database: only through the direct URL can they.
    handle = await openDb({ url: NOWHERE, directUrl: t.url! });
  });
  afterAll(async () => {
    await handle?.close();
    await t?.cleanup();
  });

  it("listens through the direct URL", async () => {
    const received: string[] = [];
    const stop = await handle.listen("loupe_direct_test", (p) => received.push(p));
    await t.db.execute("select pg_notify('loupe_direct_test', 'hello')");
    await expect.poll(() => received, { timeout: 5_000 }).toEqual(["hello"]);
    await stop();
  });

  it("sends queries through the pooled URL", async () => {
    await expect(handle.db.execute("select 1")).rejects.toThrow();
  });

  it("without a direct URL, listening goes through the one URL (here the unreachable one)", async () => {
    const pooledOnly = await openDb({ url: NOWHERE, migrate: false });
    try {
      await expect(pooledOnly.listen("loupe_direct_test", () => {})).rejects.toThrow();
    } finally {
      await pooledOnly.close();
    }
  });
});
