import type { PGlite } from "@electric-sql/pglite";
import { sql } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { matchedGroups } from "../lib/cases/duplicate-group";
import { createPgliteTestDb, type TestDb } from "../lib/testing/test-db";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { CHECKPOINT_SECONDS, CHECKPOINT_WAL_BYTES, FREEZE_AGE, GROWTH, MIN_GROWTH_PAGES, checkpointIsDue, describeMaintenance, isDue, maintainPglite, startPgliteMaintenance, tableSizes, walState, type Maintenance } from "./pglite-maintenance";

const clientOf = (db: TestDb) => (db.db as unknown as { $client: PGlite }).$client;

/** `n` images with distinct pseudo-random hashes, one case each, as uploads leave them (in bulk). */
async function seed(db: TestDb, n: number, from = 0): Promise<void> {
  await db.db.execute(sql`insert into policies (id, name, quarantine_threshold, is_default) values ('pol_m', 'm', 50, true) on conflict do nothing`);
  await db.db.execute(sql`insert into images (id, sha256, mime, format, size_bytes, width, height, storage_key, phash)
    select 'img_m' || lpad(i::text, 7, '0'), md5('s' || i) || md5('t' || i), 'image/jpeg', 'jpeg', 1000, 64, 64, 'k/' || i, substr(md5('p' || i), 1, 16)
    from generate_series(${from + 1}::int, ${from + n}::int) i`);
  await db.db.execute(sql`insert into cases (id, image_id, image_size_bytes, duplicate_group, source, filename, state, policy_id)
    select 'case_m' || lpad(i::text, 7, '0'), 'img_m' || lpad(i::text, 7, '0'), 1000, 'img_m' || lpad(i::text, 7, '0'), 'upload', 'f' || i, 'cleared', 'pol_m'
    from generate_series(${from + 1}::int, ${from + n}::int) i`);
}

/** The plan nodes of assignDuplicateGroup's search for a hash one bit from image 42's, as "Node Type on relation". */
async function duplicateSearchPlan(db: TestDb): Promise<string[]> {
  const client = clientOf(db);
  const { rows } = await client.query<{ phash: string }>(`select phash from images where id = 'img_m0000042'`);
  const near = (BigInt(`0x${rows[0]!.phash}`) ^ 1n).toString(16).padStart(16, "0");
  const q = matchedGroups(db.db, "case_new", { id: "img_new", phash: near, phashInformative: true }).toSQL();
  const plan = await client.query<{ "QUERY PLAN": unknown }>(`explain (format json) ${q.sql}`, q.params);
  const nodes: string[] = [];
  const walk = (n: { "Node Type": string; "Relation Name"?: string; Plans?: unknown[] }) => {
    nodes.push(n["Relation Name"] ? `${n["Node Type"]} on ${n["Relation Name"]}` : n["Node Type"]);
    for (const c of n.Plans ?? []) walk(c as typeof n);
  };
  const doc = plan.rows[0]!["QUERY PLAN"];
  walk((typeof doc === "string" ? JSON.parse(doc) : doc)[0].Plan);
  return nodes;
}

describe("isDue", () => {
  it("wants a table that has rows and was never vacuumed or analyzed", () => {
    expect(isDue({ table: "t", pages: 1, relpages: 0, reltuples: -1, xidAge: 10 })).toBe(true);
    expect(isDue({ table: "t", pages: 0, relpages: 0, reltuples: -1, xidAge: 10 })).toBe(false);
  });
  it("wants one that grew by more than GROWTH and MIN_GROWTH_PAGES since", () => {
    const relpages = 1000;
    const limit = relpages * (1 + GROWTH) + MIN_GROWTH_PAGES;
    expect(isDue({ table: "t", pages: Math.floor(limit), relpages, reltuples: 50_000, xidAge: 10 })).toBe(false);
    expect(isDue({ table: "t", pages: Math.floor(limit) + 1, relpages, reltuples: 50_000, xidAge: 10 })).toBe(true);
    // A small table: the page floor, not the fraction.
    expect(isDue({ table: "t", pages: 1 + MIN_GROWTH_PAGES, relpages: 1, reltuples: 10, xidAge: 10 })).toBe(false);
    expect(isDue({ table: "t", pages: 2 + MIN_GROWTH_PAGES, relpages: 1, reltuples: 10, xidAge: 10 })).toBe(true);
  });
  it("wants any table whose rows were last frozen FREEZE_AGE transactions ago, grown or not", () => {
    expect(isDue({ table: "t", pages: 1, relpages: 1, reltuples: 1, xidAge: FREEZE_AGE })).toBe(true);
    expect(isDue({ table: "t", pages: 1, relpages: 1, reltuples: 1, xidAge: FREEZE_AGE - 1 })).toBe(false);
  });
  it("leaves an emptied or shrunk table alone", () => {
    expect(isDue({ table: "t", pages: 10, relpages: 400, reltuples: 9000, xidAge: 10 })).toBe(false);
  });
});

describe("maintainPglite", () => {
  let db: TestDb | undefined;
  afterEach(async () => {
    await db?.cleanup();
    db = undefined;
  });

  it("vacuums and analyzes the tables that are due, then none until they grow again", async () => {
    db = await createPgliteTestDb();
    const client = clientOf(db);
    await seed(db, 3000);
    const first = (await maintainPglite(client)).vacuumed;
    expect(first.map((d) => d.table)).toEqual(expect.arrayContaining(["cases", "images", "policies"]));
    const sizes = new Map((await tableSizes(client)).map((t) => [t.table, t]));
    expect(sizes.get("cases")!.reltuples).toBe(3000);
    expect(sizes.get("cases")!.relpages).toBe(sizes.get("cases")!.pages);
    expect((await maintainPglite(client)).vacuumed).toEqual([]);
    // Half as many again: cases and images are due, nothing else.
    await seed(db, 1500, 3000);
    expect((await maintainPglite(client)).vacuumed.map((d) => d.table).sort()).toEqual(["cases", "images"]);
  }, 60_000);

  it("gives the duplicate-group search its indexes: without statistics it read every case", async () => {
    db = await createPgliteTestDb();
    await seed(db, 20_000);
    const before = await duplicateSearchPlan(db);
    expect(before).toContain("Seq Scan on cases");
    await maintainPglite(clientOf(db));
    const after = await duplicateSearchPlan(db);
    expect(after.filter((n) => n.startsWith("Seq Scan"))).toEqual([]);
    expect(after).toContain("Bitmap Index Scan");
    expect(after).toContain("Index Scan on cases");
  }, 120_000);
});

describe("checkpointIsDue", () => {
  it("wants a checkpoint after CHECKPOINT_WAL_BYTES of log, or after CHECKPOINT_SECONDS with some", () => {
    expect(checkpointIsDue({ walBytes: CHECKPOINT_WAL_BYTES, ageSeconds: 1 })).toBe(true);
    expect(checkpointIsDue({ walBytes: CHECKPOINT_WAL_BYTES - 1, ageSeconds: 1 })).toBe(false);
    expect(checkpointIsDue({ walBytes: 1_000_000, ageSeconds: CHECKPOINT_SECONDS })).toBe(true);
    // Only the last checkpoint's own record since: nothing to do, however old.
    expect(checkpointIsDue({ walBytes: 200, ageSeconds: 10 * CHECKPOINT_SECONDS })).toBe(false);
  });
});

describe("maintainPglite's checkpoints", () => {
  it("keep the write-ahead log from growing with what is written", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "loupe-wal-"));
    const db = await createPgliteTestDb(dir);
    try {
      const client = clientOf(db);
      const walOnDisk = async () => (await client.query<{ bytes: number }>(`select coalesce(sum(size), 0)::float8 as bytes from pg_ls_waldir()`)).rows[0]!.bytes;
      await client.exec(`create table wal_filler (id int primary key, v text)`);
      const limit = 4 * 1024 * 1024;
      let written = 0;
      for (let round = 0; round < 16; round++) {
        await client.exec(`insert into wal_filler select g + ${round * 50_000}, repeat(md5(g::text), 4) from generate_series(1, 50000) g`);
        const { checkpoint } = await maintainPglite(client, { checkpointWalBytes: limit });
        expect(checkpoint).not.toBeNull();
        written += checkpoint!.walBytes;
        expect((await walState(client)).walBytes).toBeLessThan(64 * 1024);
      }
      // Nothing written since: no checkpoint.
      expect((await maintainPglite(client, { checkpointWalBytes: limit })).checkpoint).toBeNull();
      // Without the checkpoints every byte written would still be on disk; with them PostgreSQL
      // recycles the segments (keeping at most min_wal_size, 80 MB, for reuse).
      expect(written).toBeGreaterThan(200 * 1024 * 1024);
      // (33.5 MB on disk after 236 MB written, on the development VM.)
      expect(await walOnDisk()).toBeLessThan(80 * 1024 * 1024);
    } finally {
      await db.cleanup();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});

describe("describeMaintenance", () => {
  it("says what held the database for a second or more, and nothing for a short pass", () => {
    const long: Maintenance = { vacuumed: [{ table: "cases", ms: 819.4 }, { table: "images", ms: 340.2 }], checkpoint: { walBytes: 67_108_864, ms: 101 } };
    expect(describeMaintenance(long)).toBe("[loupe] PGlite upkeep held the database 1.3 s: vacuum (analyze) cases 819 ms, vacuum (analyze) images 340 ms, checkpoint of 64 MB of log 101 ms");
    expect(describeMaintenance({ vacuumed: [{ table: "users", ms: 2 }], checkpoint: null })).toBeNull();
  });
});

describe("startPgliteMaintenance", () => {
  it("runs on its timer until stopped", async () => {
    const db = await createPgliteTestDb();
    try {
      const client = clientOf(db);
      await seed(db, 500);
      const errors: unknown[] = [];
      const passes: Maintenance[] = [];
      const stop = startPgliteMaintenance(client, { intervalMs: 50, onError: (err) => errors.push(err), onDone: (m) => passes.push(m) });
      try {
        for (let i = 0; i < 200 && (await tableSizes(client)).some(isDue); i++) await new Promise((r) => setTimeout(r, 50));
        expect((await tableSizes(client)).filter(isDue)).toEqual([]);
        expect(passes.flatMap((p) => p.vacuumed.map((v) => v.table))).toEqual(expect.arrayContaining(["cases", "images"]));
      } finally {
        stop();
      }
      // Stopped: growth is left for the next run, which no longer comes.
      await seed(db, 2000, 500);
      await new Promise((r) => setTimeout(r, 300));
      expect((await tableSizes(client)).filter(isDue).map((t) => t.table)).toContain("cases");
      expect(errors).toEqual([]);
    } finally {
      await db.cleanup();
    }
  }, 60_000);
});
