// Database client: PostgreSQL through postgres.js when DATABASE_URL is set, otherwise an embedded
// PGlite database on disk. Same schema and migrations on both. The process-wide handle is cached on
// globalThis so Next's dev reloads and the in-process worker share one connection pool.
import { mkdirSync } from "node:fs";
import path from "node:path";
import { sql } from "drizzle-orm";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { env, paths } from "../lib/env";
import { describeError } from "../lib/log";
import { lockPgliteDir } from "./pglite-lock";
import * as schema from "./schema";

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;
export type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];
/** Query helpers take either the database or an open transaction. */
export type DbOrTx = Db | Tx;

/**
 * LISTEN on a channel: `onPayload` runs for every NOTIFY on it, once the notifying transaction has
 * committed. Resolves once listening (a NOTIFY committed after that is delivered); the result stops it.
 * postgres.js listens on a dedicated connection of its own and re-listens after a reconnect.
 */
export type Listen = (channel: string, onPayload: (payload: string) => void) => Promise<() => Promise<void>>;

export interface DbHandle {
  db: Db;
  kind: "postgres" | "pglite";
  listen: Listen;
  close(): Promise<void>;
}

export const MIGRATIONS_FOLDER = path.resolve(/*turbopackIgnore: true*/ process.cwd(), "db/migrations");

// Arbitrary constant: serialises migrations when several processes start against one PostgreSQL.
const MIGRATION_LOCK_KEY = 4_242_001;

export interface OpenDbOptions {
  /** PostgreSQL URL; unset → PGlite. */
  url?: string;
  /**
   * A direct (session) connection to the same database, for what a transaction-mode pooler such as
   * PgBouncer cannot carry: LISTEN (the pooler hands the server connection to another client after
   * each transaction, so notifications would go astray) and the migration's session advisory lock.
   * Unset → `url` serves those too (no pooler, or a session-mode one). See deploy/README.md.
   */
  directUrl?: string;
  pgliteDir?: string;
  migrate?: boolean;
  /** Where the migrations to apply are (default db/migrations); a restore applies a backup's level first (lib/backup/). */
  migrationsFolder?: string;
  /** PGlite: run data statements as named prepared statements (db/pglite-prepared.ts). Default true; bench:pipeline compares. */
  preparedStatements?: boolean;
  /**
   * PGlite: vacuum and analyze tables as they grow and checkpoint as the log grows, the jobs of a
   * server's autovacuum and checkpointer (db/pglite-maintenance.ts), until closed. The process-wide
   * handle does; tests and one-off commands need not.
   */
  maintenance?: boolean;
}

export async function openDb(opts: OpenDbOptions = {}): Promise<DbHandle> {
  const url = opts.url;
  let handle: DbHandle;
  if (url) {
    const { default: postgres } = await import("postgres");
    const { drizzle } = await import("drizzle-orm/postgres-js");
    const client = postgres(url, { max: 10, onnotice: () => {} });
    const directUrl = opts.directUrl ?? url;
    // postgres.js LISTENs on one dedicated connection of the client it is asked on; with a direct URL
    // that is a small client of its own (max 1: it only ever holds the listening connection).
    const listener = directUrl === url ? client : postgres(directUrl, { max: 1, onnotice: () => {} });
    handle = {
      db: drizzle({ client, schema }) as unknown as Db,
      kind: "postgres",
      listen: async (channel, onPayload) => {
        const { unlisten } = await listener.listen(channel, onPayload);
        return unlisten;
      },
      close: async () => {
        await Promise.all([client.end({ timeout: 5 }), listener === client ? null : listener.end({ timeout: 5 })]);
      },
    };
    if (opts.migrate !== false) {
      const { migrate } = await import("drizzle-orm/postgres-js/migrator");
      // One dedicated connection holds a session advisory lock for the whole migration.
      const lockClient = postgres(directUrl, { max: 1, onnotice: () => {} });
      try {
        await lockClient`select pg_advisory_lock(${MIGRATION_LOCK_KEY})`;
        await migrate(drizzle({ client: lockClient }), { migrationsFolder: opts.migrationsFolder ?? MIGRATIONS_FOLDER });
      } finally {
        await lockClient.end({ timeout: 5 });
      }
    }
  } else {
    const { PGlite } = await import("@electric-sql/pglite");
    const { drizzle } = await import("drizzle-orm/pglite");
    const dir = opts.pgliteDir ?? paths.pglite;
    let unlock = async () => {};
    if (!dir.startsWith("memory://")) {
      mkdirSync(dir, { recursive: true });
      // One process at a time (db/pglite-lock.ts): a second opener gets DatabaseInUseError.
      unlock = await lockPgliteDir(dir);
    }
    const client = new PGlite(dir);
    await client.waitReady.catch(async (err: unknown) => {
      await unlock();
      throw err;
    });
    // Data statements as named prepared statements (db/pglite-prepared.ts).
    if (opts.preparedStatements !== false) (await import("./pglite-prepared")).usePreparedStatements(client);
    const db = drizzle({ client, schema });
    const stopMaintenance = opts.maintenance ? await startMaintenance(client) : () => {};
    handle = {
      db: db as unknown as Db,
      kind: "pglite",
      listen: (channel, onPayload) => client.listen(channel, onPayload),
      close: async () => {
        stopMaintenance();
        try {
          await client.close();
        } finally {
          await unlock();
        }
      },
    };
    if (opts.migrate !== false) {
      const { migrate } = await import("drizzle-orm/pglite/migrator");
      // A failed migration closes the database again (and so releases its lock).
      await migrate(db, { migrationsFolder: opts.migrationsFolder ?? MIGRATIONS_FOLDER }).catch(async (err: unknown) => {
        await handle.close().catch(() => {});
        throw err;
      });
    }
  }
  return handle;
}

/** PGlite's upkeep, with a log line for a pass that held the database a second or more, and for a failure. */
async function startMaintenance(client: import("@electric-sql/pglite").PGlite): Promise<() => void> {
  const { describeMaintenance, startPgliteMaintenance } = await import("./pglite-maintenance");
  return startPgliteMaintenance(client, {
    onDone: (m) => {
      const line = describeMaintenance(m);
      if (line) console.log(line);
    },
    onError: (err) => console.error(`[loupe] PGlite upkeep failed: ${describeError(err)}`),
  });
}

const globalForDb = globalThis as unknown as { __loupeDb?: Promise<DbHandle> };

/** The process-wide database, migrated on first use. */
export function getDbHandle(): Promise<DbHandle> {
  // A failed open (the database was down) is not cached: the next request tries again.
  globalForDb.__loupeDb ??= openDb({ url: env.DATABASE_URL, directUrl: env.DATABASE_DIRECT_URL, maintenance: true }).catch((err: unknown) => {
    globalForDb.__loupeDb = undefined;
    throw err;
  });
  return globalForDb.__loupeDb;
}

export async function getDb(): Promise<Db> {
  return (await getDbHandle()).db;
}

export async function pingDb(db: DbOrTx): Promise<boolean> {
  await db.execute(sql`select 1`);
  return true;
}

export { schema };
