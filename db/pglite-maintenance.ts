// Autovacuum's and the checkpointer's jobs, for PGlite. A PostgreSQL server vacuums and analyzes its
// tables in the background; PGlite runs in the web server's process and has no background workers, so
// nothing ever did: the planner kept the statistics of the empty tables the migrations made, and at
// 20 000 cases an upload's duplicate-group search (lib/cases/duplicate-group.ts) joined every case to
// its image (≈ 70 ms, under the lock every upload waits for) where, analyzed, two index scans answer
// in ≈ 1 ms. Dead row versions from updates (a case is updated several times as it is scanned) were
// never reclaimed either.
//
// PGlite's activity counters (pg_stat_user_tables) cannot stand in for autovacuum's: they reach the
// view late and restart at zero each time the database is opened. What a VACUUM leaves behind can:
// pg_class.relpages is the table's size in pages when it was last vacuumed or analyzed, and reltuples
// is -1 until it ever was. A table is vacuumed and analyzed (one statement) when it has never been, or
// has grown by more than GROWTH since (new rows, or new versions of updated ones), as autovacuum's
// default thresholds would about as often (10% changed for an analyze, 20% for a vacuum). A run costs
// 0.1–0.8 s for a 100 000-row table (the most: the first VACUUM of the cases table, which marks every
// page all-visible), the database busy meanwhile (PGlite runs one statement at a time), and a table's
// next run comes only after it grew by another tenth.
//
// Nor does PGlite checkpoint on its own (a server's checkpointer does, every checkpoint_timeout or
// max_wal_size): its write-ahead log grew without end (1.26 GB after 3.2 million small rows, still
// growing past max_wal_size), and recovery after a crash starts from the last checkpoint. A
// CHECKPOINT after every CHECKPOINT_WAL_BYTES of log, or after CHECKPOINT_SECONDS with any, lets
// PostgreSQL recycle the segments: the same inserts with a checkpoint every 39 MB kept pg_wal at 67 MB.
import type { PGlite } from "@electric-sql/pglite";

/** Growth since the last VACUUM or ANALYZE (as a fraction of the pages then) that calls for another. */
export const GROWTH = 0.1;
/** And at least this many pages (8 kB each) of it: small tables are not vacuumed for every few rows. */
export const MIN_GROWTH_PAGES = 8;
/** How often the web process looks (a catalog query; the vacuums only when due). */
export const MAINTENANCE_INTERVAL_MS = 60_000;
/** Write-ahead log since the last checkpoint that calls for another (a server's max_wal_size, scaled down). */
export const CHECKPOINT_WAL_BYTES = 64 * 1024 * 1024;
/** And the age of the last checkpoint that calls for another when any log was written since (checkpoint_timeout). */
export const CHECKPOINT_SECONDS = 300;
/** Less log than this since the last checkpoint is the checkpoint's own record and a few more: nothing to do. */
const CHECKPOINT_MIN_WAL_BYTES = 64 * 1024;

/**
 * Transactions since a table's rows were last frozen that call for a vacuum whatever its size (a
 * server's autovacuum_freeze_max_age is 200 million; VACUUM freezes aggressively from
 * vacuum_freeze_table_age, 150 million). PostgreSQL stops writing at about 2 billion: a table that
 * never grows (rate-limit buckets, updated in place) would otherwise never be vacuumed at all.
 */
export const FREEZE_AGE = 150_000_000;

export interface TableSize {
  table: string;
  /** The table's size now, in pages. */
  pages: number;
  /** Its size in pages when last vacuumed or analyzed (0 before). */
  relpages: number;
  /** Its row count then, -1 if it never was. */
  reltuples: number;
  /** Transactions since its rows were last frozen (age(relfrozenxid)). */
  xidAge: number;
}

export function isDue(t: TableSize): boolean {
  if (t.xidAge >= FREEZE_AGE) return true;
  if (t.pages === 0) return false;
  if (t.reltuples < 0) return true;
  return t.pages > t.relpages * (1 + GROWTH) + MIN_GROWTH_PAGES;
}

/** The public schema's tables with their sizes now and at their last vacuum or analyze. */
export async function tableSizes(client: PGlite): Promise<TableSize[]> {
  const { rows } = await client.query<TableSize>(
    `select c.relname as "table", (pg_relation_size(c.oid) / current_setting('block_size')::int)::int as pages,
            c.relpages as relpages, c.reltuples::float8 as reltuples, age(c.relfrozenxid)::int as "xidAge"
       from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where c.relkind = 'r' and n.nspname = 'public'
      order by c.relname`,
  );
  return rows;
}

export interface WalState {
  /** Bytes of write-ahead log since the last checkpoint's redo point. */
  walBytes: number;
  /** Seconds since the last checkpoint. */
  ageSeconds: number;
}

export function checkpointIsDue(w: WalState, walLimit = CHECKPOINT_WAL_BYTES): boolean {
  return w.walBytes >= walLimit || (w.ageSeconds >= CHECKPOINT_SECONDS && w.walBytes >= CHECKPOINT_MIN_WAL_BYTES);
}

export async function walState(client: PGlite): Promise<WalState> {
  const { rows } = await client.query<WalState>(
    `select pg_wal_lsn_diff(pg_current_wal_lsn(), c.redo_lsn)::float8 as "walBytes",
            extract(epoch from now() - c.checkpoint_time)::float8 as "ageSeconds"
       from pg_control_checkpoint() c`,
  );
  return rows[0]!;
}

export interface Maintenance {
  /** The tables vacuumed and analyzed, with how long each took. */
  vacuumed: { table: string; ms: number }[];
  /** The checkpoint, if one was due: the log it covered and how long it took. */
  checkpoint: { walBytes: number; ms: number } | null;
}

/**
 * VACUUM (ANALYZE) each table that is due, then CHECKPOINT if due. `checkpointWalBytes`: the log
 * that calls for a checkpoint (tests lower it).
 */
export async function maintainPglite(client: PGlite, { checkpointWalBytes = CHECKPOINT_WAL_BYTES } = {}): Promise<Maintenance> {
  const vacuumed: Maintenance["vacuumed"] = [];
  for (const t of await tableSizes(client)) {
    if (!isDue(t)) continue;
    const t0 = performance.now();
    // Table names come from the catalog; quoted as identifiers all the same.
    await client.exec(`vacuum (analyze) "public"."${t.table.replace(/"/g, '""')}"`);
    vacuumed.push({ table: t.table, ms: performance.now() - t0 });
  }
  const wal = await walState(client);
  if (!checkpointIsDue(wal, checkpointWalBytes)) return { vacuumed, checkpoint: null };
  const t0 = performance.now();
  await client.exec("checkpoint");
  return { vacuumed, checkpoint: { walBytes: wal.walBytes, ms: performance.now() - t0 } };
}

/**
 * maintainPglite every `intervalMs` (the first soon after start) until the returned stop is called.
 * The timer never keeps the process alive; each run is reported to `onDone`, a failed one (the
 * database closing) to `onError`, and the next one tries again.
 */
export function startPgliteMaintenance(
  client: PGlite,
  { intervalMs = MAINTENANCE_INTERVAL_MS, onError = () => {}, onDone = () => {} }: { intervalMs?: number; onError?: (err: unknown) => void; onDone?: (m: Maintenance) => void } = {},
): () => void {
  let running = false;
  const tick = () => {
    if (running || client.closed) return;
    running = true;
    maintainPglite(client)
      .then(onDone, onError)
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

/** A log line for a pass the database was busy with for a noticeable time (≥ `minMs`), else null. */
export function describeMaintenance(m: Maintenance, minMs = 1000): string | null {
  const total = m.vacuumed.reduce((n, v) => n + v.ms, 0) + (m.checkpoint?.ms ?? 0);
  if (total < minMs) return null;
  const parts = m.vacuumed.map((v) => `vacuum (analyze) ${v.table} ${v.ms.toFixed(0)} ms`);
  if (m.checkpoint) parts.push(`checkpoint of ${(m.checkpoint.walBytes / 1048576).toFixed(0)} MB of log ${m.checkpoint.ms.toFixed(0)} ms`);
  return `[loupe] PGlite upkeep held the database ${(total / 1000).toFixed(1)} s: ${parts.join(", ")}`;
}
