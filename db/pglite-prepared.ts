// Named prepared statements for PGlite. PGlite's own `query` parses, describes, binds, describes,
// executes and syncs every statement as six calls into PostgreSQL (WebAssembly on the server's main
// thread), and parses and plans it afresh each time. Here a data statement (select, insert, update,
// delete, with) is parsed and described once under a name, then each run sends bind, describe,
// execute and sync as one message: in a micro-benchmark of an upsert and a CTE update, 0.33 → 0.15
// CPU ms a statement. Answers, errors and locking are PGlite's: the same mutexes, the same parameter
// serializers and result parsers (drizzle's overrides included), a transaction's statements inside
// its transaction. Other statements (DDL, LISTEN) and calls with options this does not handle go
// through PGlite's own path.
//
// PostgreSQL re-plans a prepared statement when a table it reads changes. A statement whose result
// columns changed (a migration after it was prepared) is refused with "cached plan must not change
// result type": it is then prepared again and, outside a transaction, run again; inside one the
// transaction has failed with it, and the next run prepares it afresh.
import type { PGlite, QueryOptions, Results, Transaction } from "@electric-sql/pglite";
import { parse, protocol, types } from "@electric-sql/pglite";

/** Named statements kept per database; the least recently used is closed beyond this. */
export const MAX_PREPARED_STATEMENTS = 500;

const DATA_STATEMENT = /^\s*(select|insert|update|delete|with)\b/i;

interface Prepared {
  name: string;
  paramOids: number[];
}

type Internals = PGlite & {
  _checkReady(): Promise<void>;
  _runExclusiveQuery<T>(fn: () => Promise<T>): Promise<T>;
  _runExclusiveTransaction<T>(fn: () => Promise<T>): Promise<T>;
};

/** What the prepared path has done on a database (tests). */
export interface PreparedStats {
  prepared: number;
  executed: number;
  closed: number;
  fallbacks: number;
}

const statsOf = new WeakMap<PGlite, PreparedStats>();

export function preparedStats(client: PGlite): PreparedStats | undefined {
  return statsOf.get(client);
}

type Parser = (value: string, typeId: number) => unknown;
type Message = { name: string; fields?: unknown[]; text?: string };

/**
 * PGlite's parseResults for one statement's messages, with the same answer (rows, fields, command,
 * affectedRows, rowCount) and the same parser choice per column (the query's parsers, then the
 * database's, then PGlite's defaults), each column's parser looked up once. PGlite's merged every
 * query's parsers into a copy of all the database's (hundreds of entries), which drizzle's per-query
 * overrides made happen on every statement: ≈ 8% of the main thread in an upload-and-scan loop.
 */
function parseResult<T>(messages: Message[], dbParsers: Record<number, Parser>, options: QueryOptions | undefined): Results<T> {
  const override = options?.parsers as Record<number, Parser> | undefined;
  const asArrays = options?.rowMode === "array";
  let fields: { name: string; dataTypeID: number }[] = [];
  let columnParsers: (Parser | undefined)[] = [];
  const rows: unknown[] = [];
  for (const m of messages) {
    if (m.name === "rowDescription") {
      fields = (m.fields as { name: string; dataTypeID: number }[]).map((f) => ({ name: f.name, dataTypeID: f.dataTypeID }));
      columnParsers = fields.map((f) => override?.[f.dataTypeID] ?? dbParsers[f.dataTypeID] ?? (types.parsers as Record<number, Parser>)[f.dataTypeID]);
    } else if (m.name === "dataRow") {
      const values = (m.fields as (string | null)[]).map((v, i) => (v === null ? null : columnParsers[i] ? columnParsers[i]!(v, fields[i]!.dataTypeID) : v));
      rows.push(asArrays ? values : Object.fromEntries(values.map((v, i) => [fields[i]!.name, v])));
    } else if (m.name === "commandComplete") {
      const words = m.text!.split(" ");
      const command = words[0]!;
      const count = parseInt(words[words.length - 1]!, 10);
      const affectedRows = ["INSERT", "UPDATE", "DELETE", "COPY", "MERGE"].includes(command) ? count : 0;
      return { rows, fields, command, affectedRows, ...(Number.isNaN(count) ? {} : { rowCount: count }) } as unknown as Results<T>;
    }
  }
  return { affectedRows: 0, rows: [], fields: [] } as unknown as Results<T>;
}

/**
 * PostgreSQL's refusal to run a prepared plan whose result columns changed ("cached plan must not
 * change result type", SQLSTATE 0A000 feature_not_supported). Other 0A000 errors are real errors.
 */
export function isStalePlan(err: unknown): boolean {
  const { code, message } = err as { code?: string; message?: string };
  return code === "0A000" && typeof message === "string" && message.includes("cached plan must not change result type");
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * Makes `client.query` and the `query` of its transactions run data statements as named prepared
 * statements. Call once, before any query.
 */
export function usePreparedStatements(client: PGlite): void {
  const pg = client as Internals;
  const { serialize } = protocol;
  const cache = new Map<string, Prepared>();
  const stats: PreparedStats = { prepared: 0, executed: 0, closed: 0, fallbacks: 0 };
  statsOf.set(client, stats);
  let seq = 0;
  const originalQuery = client.query.bind(client);
  const originalTransaction = client.transaction.bind(client);

  const send = (message: Uint8Array) => pg.execProtocolStream(message, { syncToFs: false });

  /** The named statement for `text`, prepared now if it is not yet. Inside the query mutex. */
  async function prepared(text: string): Promise<Prepared> {
    const known = cache.get(text);
    if (known) {
      // Most recently used last: the first entry is the one to close.
      cache.delete(text);
      cache.set(text, known);
      return known;
    }
    const name = `loupe_${++seq}`;
    const messages = await send(concat([serialize.parse({ name, text }), serialize.describe({ type: "S", name }), serialize.sync()]));
    const statement = { name, paramOids: parse.parseDescribeStatementResults(messages) };
    stats.prepared++;
    cache.set(text, statement);
    if (cache.size > MAX_PREPARED_STATEMENTS) {
      const [oldText, old] = cache.entries().next().value!;
      cache.delete(oldText);
      await send(concat([serialize.close({ type: "S", name: old.name }), serialize.sync()]));
      stats.closed++;
    }
    return statement;
  }

  /**
   * Bind, describe, execute and sync in one message. Inside the query mutex. `retry`: a plan refused
   * as stale may be prepared and run once more (outside a transaction only: inside, the refusal has
   * failed the transaction).
   */
  async function run<T>(text: string, params: unknown[], options: QueryOptions | undefined, retry: boolean): Promise<Results<T>> {
    const statement = await prepared(text);
    const values = params.map((param, i) => {
      if (param === null || param === undefined) return null;
      const oid = statement.paramOids[i]!;
      const serializer = options?.serializers?.[oid] ?? pg.serializers[oid];
      return serializer ? serializer(param) : String(param);
    });
    let messages;
    try {
      messages = await send(concat([serialize.bind({ statement: statement.name, values: values as (string | null)[] }), serialize.describe({ type: "P" }), serialize.execute({}), serialize.sync()]));
    } catch (err) {
      // A plan PostgreSQL can no longer use as prepared (a table's columns changed): prepare it again.
      if (isStalePlan(err) && cache.get(text) === statement) {
        cache.delete(text);
        await send(concat([serialize.close({ type: "S", name: statement.name }), serialize.sync()]));
        stats.closed++;
        if (retry) return run<T>(text, params, options, false);
      }
      Object.assign(err as object, { query: text, params, queryOptions: options });
      throw err;
    }
    stats.executed++;
    return parseResult<T>(messages as Message[], pg.parsers as Record<number, Parser>, options);
  }

  const handles = (text: string, options: QueryOptions | undefined) =>
    DATA_STATEMENT.test(text) && !options?.blob && !options?.paramTypes && !options?.onNotice;

  client.query = async <T>(text: string, params: unknown[] = [], options?: QueryOptions): Promise<Results<T>> => {
    if (!handles(text, options)) {
      stats.fallbacks++;
      return originalQuery<T>(text, params, options);
    }
    await pg._checkReady();
    return pg._runExclusiveTransaction(async () => {
      const result = await pg._runExclusiveQuery(() => run<T>(text, params, options, true));
      // As PGlite's query does outside a transaction.
      await pg.syncToFs();
      return result;
    });
  };

  client.transaction = <T>(callback: (tx: Transaction) => Promise<T>): Promise<T> =>
    originalTransaction((tx) => {
      const wrapped: Transaction = {
        query: async <R>(text: string, params: unknown[] = [], options?: QueryOptions): Promise<Results<R>> => {
          if (!handles(text, options)) {
            stats.fallbacks++;
            return tx.query<R>(text, params, options);
          }
          if (tx.closed) throw new Error("Transaction is closed");
          return pg._runExclusiveQuery(() => run<R>(text, params, options, false));
        },
        sql: tx.sql.bind(tx),
        exec: tx.exec.bind(tx),
        rollback: tx.rollback.bind(tx),
        listen: tx.listen.bind(tx),
        get closed() {
          return tx.closed;
        },
      };
      return callback(wrapped);
    });
}
