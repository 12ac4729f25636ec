// Autovacuum's job, for PGlite. A PostgreSQL server vacuums and analyzes its tables in the background;
// PGlite runs in the web server's process and has no background workers, so nothing ever did: the
// planner kept the statistics of the empty tables the migrations made, and at 20 000 cases an upload's
// duplicate-group search (lib/cases/duplicate-group.ts) joined every case to its image (≈ 70 ms, under
// the lock every upload waits for) where, analyzed, two index scans answer in ≈ 1 ms. Dead row versions
// from updates (a case is updated several times as it is scanned) were never reclaimed either.
//
// PGlite's activity counters (pg_stat_user_tables) cannot stand in for autovacuum's: they reach the
// view late and restart at zero each time the database is opened. What a VACUUM leaves behind can:
// pg_class.relpages is the table's size in pages when it was last vacuumed or analyzed, and reltuples
// is -1 until it ever was. A table is vacuumed and analyzed (one statement) when it has never been, or
// has grown by more than GROWTH since (new rows, or new versions of updated ones), as autovacuum's
// default thresholds would about as often (10% changed for an analyze, 20% for a vacuum). Each run
// costs ≈ 100 ms for a 100 000-row table (the database is busy meanwhile: PGlite runs one statement at
// a time), and a table's next run comes only after it grew by another tenth.
import type { PGlite } from "@electric-sql/pglite";

/** Growth since the last VACUUM or ANALYZE (as a fraction of the pages then) that calls for another. */
export const GROWTH = 0.1;
/** And at least this many pages (8 kB each) of it: small tables are not vacuumed for every few rows. */
export const MIN_GROWTH_PAGES = 8;
/** How often the web process looks (a catalog query; the vacuums only when due). */
export const MAINTENANCE_INTERVAL_MS = 60_000;

export interface TableSize {
  table: string;
  /** The table's size now, in pages. */
  pages: number;
  /** Its size in pages when last vacuumed or analyzed (0 before). */
  relpages: number;
  /** Its row count then, -1 if it never was. */
  reltuples: number;
}

export function isDue(t: TableSize): boolean {
  if (t.pages === 0) return false;
  if (t.reltuples < 0) return true;
  return t.pages > t.relpages * (1 + GROWTH) + MIN_GROWTH_PAGES;
}

/** The public schema's tables with their sizes now and at their last vacuum or analyze. */
export async function tableSizes(client: PGlite): Promise<TableSize[]> {
  const { rows } = await client.query<TableSize>(
    `select c.relname as "table", (pg_relation_size(c.oid) / current_setting('block_size')::int)::int as pages,
            c.relpages as relpages, c.reltuples::float8 as reltuples
       from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where c.relkind = 'r' and n.nspname = 'public'
      order by c.relname`,
  );
  return rows;
}

/** VACUUM (ANALYZE) each table that is due; returns what it did and how long each took. */
export async function maintainPglite(client: PGlite): Promise<{ table: string; ms: number }[]> {
  const done: { table: string; ms: number }[] = [];
  for (const t of await tableSizes(client)) {
    if (!isDue(t)) continue;
    const t0 = performance.now();
    // Table names come from the catalog; quoted as identifiers all the same.
    await client.exec(`vacuum (analyze) "public"."${t.table.replace(/"/g, '""')}"`);
    done.push({ table: t.table, ms: performance.now() - t0 });
  }
  return done;
}

/**
 * maintainPglite every `intervalMs` (the first soon after start) until the returned stop is called.
 * The timer never keeps the process alive; a failed run (the database closing) is reported and the
 * next one tries again.
 */
export function startPgliteMaintenance(client: PGlite, intervalMs = MAINTENANCE_INTERVAL_MS, onError: (err: unknown) => void = () => {}): () => void {
  let running = false;
  const tick = () => {
    if (running || client.closed) return;
    running = true;
    maintainPglite(client)
      .catch(onError)
      .finally(() => (running = false));
  };
  const first = setTimeout(tick, Math.min(intervalMs, 10_000));
  const every = setInterval(tick, intervalMs);
  first.unref();
  every.unref();
  return () => {
    clearTimeout(first);
    clearInterval(every);
  };
}
