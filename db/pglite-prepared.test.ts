// Named prepared statements on PGlite (db/pglite-prepared.ts): the same answers and errors as PGlite's
// own query, inside and outside transactions, a statement prepared once, the least recently used
// closed beyond the limit, a plan made stale by a migration prepared again.
import { PGlite, types } from "@electric-sql/pglite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isStalePlan, MAX_PREPARED_STATEMENTS, preparedStats, usePreparedStatements } from "./pglite-prepared";

describe("PGlite with named prepared statements", () => {
  let fast: PGlite;
  let plain: PGlite;
  const setup = `create table t (id text primary key, n int not null, data jsonb, at timestamptz not null default '2026-01-02T03:04:05Z', tags text[]);`;

  beforeAll(async () => {
    fast = new PGlite();
    plain = new PGlite();
    usePreparedStatements(fast);
    for (const pg of [fast, plain]) await pg.exec(setup);
  });
  afterAll(async () => {
    await fast.close();
    await plain.close();
  });

  const both = async <T>(fn: (pg: PGlite) => Promise<T>): Promise<[T, T]> => [await fn(fast), await fn(plain)];

  it("answers as PGlite's own query does: rows, fields, counts, parsers and serializers, drizzle's overrides", async () => {
    const insert = `insert into t (id, n, data, tags) values ($1, $2, $3, $4) on conflict (id) do update set n = t.n + excluded.n returning *`;
    const asString = { rowMode: "array" as const, parsers: { [types.TIMESTAMPTZ]: (v: string) => v } };
    for (const [i, params] of [["a", 1, { k: [1, "x"] }, ["p", "q"]], ["b", 2, null, []], ["a", 5, { k: 2 }, null]].entries()) {
      const [mine, theirs] = await both((pg) => pg.query(insert, params as unknown[], i === 2 ? asString : undefined));
      expect(mine).toEqual(theirs);
    }
    const [rows, expected] = await both((pg) => pg.query<{ id: string; n: number }>(`select id, n, at from t where n >= $1 order by id`, [2]));
    expect(rows).toEqual(expected);
    expect(rows.rows.map((r) => [r.id, r.n])).toEqual([["a", 6], ["b", 2]]);
    expect(rows.rows[0]).toMatchObject({ at: new Date("2026-01-02T03:04:05Z") });
    const [updated, updatedToo] = await both((pg) => pg.query(`update t set n = n + 1 where id = any($1)`, [["a", "b", "zz"]]));
    expect(updated).toEqual(updatedToo);
    expect(updated.affectedRows).toBe(2);
    const [cte] = await both((pg) => pg.query(`with x as (delete from t where id = $1 returning n) select coalesce(sum(n), 0)::int as gone from x`, ["b"]));
    expect(cte.rows).toEqual([{ gone: 3 }]);
  });

  it("prepares a statement once, and leaves DDL and other statements to PGlite", async () => {
    const before = { ...preparedStats(fast)! };
    for (let i = 0; i < 5; i++) await fast.query(`select n from t where id = $1`, ["a"]);
    const after = { ...preparedStats(fast)! };
    expect(after.prepared - before.prepared).toBe(1);
    expect(after.executed - before.executed).toBe(5);
    await fast.query(`create index if not exists t_n on t (n)`);
    await fast.query(`set application_name = 'loupe-test'`);
    expect(preparedStats(fast)!.fallbacks - after.fallbacks).toBe(2);
  });

  it("throws PostgreSQL's error with the statement attached, and the next statement runs", async () => {
    const dup = `insert into t (id, n) values ($1, $2)`;
    await fast.query(dup, ["dup", 1]);
    await expect(fast.query(dup, ["dup", 1])).rejects.toMatchObject({ code: "23505", query: dup, params: ["dup", 1] });
    await expect(fast.query(`select nope from t where id = $1`, ["x"])).rejects.toMatchObject({ code: "42703" });
    await expect(fast.query(`select n from t where id = $1`, ["dup"])).resolves.toMatchObject({ rows: [{ n: 1 }] });
  });

  it("runs a transaction's statements inside it: rolled back on error, committed otherwise", async () => {
    await expect(
      fast.transaction(async (tx) => {
        await tx.query(`insert into t (id, n) values ($1, $2)`, ["tx1", 1]);
        await tx.query(`insert into t (id, n) values ($1, $2)`, ["tx1", 2]); // unique violation
      }),
    ).rejects.toMatchObject({ code: "23505" });
    expect((await fast.query(`select count(*)::int as c from t where id = $1`, ["tx1"])).rows).toEqual([{ c: 0 }]);
    await fast.transaction(async (tx) => {
      await tx.query(`insert into t (id, n) values ($1, $2)`, ["tx2", 1]);
      await tx.query(`update t set n = n + $2 where id = $1`, ["tx2", 10]);
      expect(tx.closed).toBe(false);
    });
    expect((await fast.query(`select n from t where id = $1`, ["tx2"])).rows).toEqual([{ n: 11 }]);
    let kept: Parameters<Parameters<PGlite["transaction"]>[0]>[0] | null = null;
    await fast.transaction(async (tx) => {
      kept = tx;
    });
    await expect(kept!.query(`select 1 as one where $1::int = 1`, [1])).rejects.toThrow(/closed/);
  });

  it("closes the least recently used statement beyond the limit, and prepares it again when it comes back", async () => {
    const before = { ...preparedStats(fast)! };
    for (let i = 0; i <= MAX_PREPARED_STATEMENTS; i++) await fast.query(`select $1::int + ${i} as v`, [1]);
    const after = preparedStats(fast)!;
    expect(after.closed - before.closed).toBeGreaterThanOrEqual(1);
    expect((await fast.query(`select $1::int + 0 as v`, [41])).rows).toEqual([{ v: 41 }]);
    const open = await fast.query<{ c: number }>(`select count(*)::int as c from pg_prepared_statements`);
    expect(open.rows[0]!.c).toBeLessThanOrEqual(MAX_PREPARED_STATEMENTS);
  });

  it("prepares a statement again when a migration changed its result columns", async () => {
    const all = `select * from t where id = $1`;
    await fast.query(`insert into t (id, n) values ($1, $2)`, ["mig", 7]);
    expect(Object.keys((await fast.query<Record<string, unknown>>(all, ["mig"])).rows[0]!)).not.toContain("extra");
    await fast.exec(`alter table t add column extra text default 'e'`);
    expect((await fast.query<Record<string, unknown>>(all, ["mig"])).rows[0]).toMatchObject({ n: 7, extra: "e" });
  });

  it("takes only PostgreSQL's stale-plan refusal for a stale plan, not every 0A000 error", async () => {
    const refusal = await fast.query(`select count(*) from t for update`).catch((err: unknown) => err);
    expect((refusal as { code?: string }).code).toBe("0A000");
    expect(isStalePlan(refusal)).toBe(false);
    expect(isStalePlan({ code: "0A000", message: "cached plan must not change result type" })).toBe(true);
    expect(isStalePlan({ code: "XX000", message: "cached plan must not change result type" })).toBe(false);
  });
});
