import { PGlite, parse, protocol } from "@electric-sql/pglite";
const pg = new PGlite("/tmp/zz-proto-" + process.pid);
await pg.waitReady;
await pg.exec(`create table t (id text primary key, n int, data jsonb, ts timestamptz default now()); create table a (id text, v text)`);
const { serialize } = protocol;
const cache = new Map<string, { name: string; oids: number[] }>();
let seq = 0;
function concat(parts: Uint8Array[]) { const len = parts.reduce((a, p) => a + p.length, 0); const out = new Uint8Array(len); let o = 0; for (const p of parts) { out.set(p, o); o += p.length; } return out; }
async function fastQuery(text: string, params: unknown[]) {
  return pg.runExclusive(async () => {
    let st = cache.get(text);
    if (!st) {
      const name = `s${++seq}`;
      const msgs = await pg.execProtocolStream(concat([serialize.parse({ name, text }), serialize.describe({ type: "S", name }), serialize.sync()]), { syncToFs: false });
      const oids = parse.parseDescribeStatementResults(msgs);
      st = { name, oids }; cache.set(text, st);
    }
    const values = params.map((p, i) => (p == null ? null : (pg.serializers[st!.oids[i]!] ?? String)(p)));
    const msgs = await pg.execProtocolStream(concat([serialize.bind({ statement: st.name, values }), serialize.describe({ type: "P" }), serialize.execute({}), serialize.sync()]), { syncToFs: false });
    return parse.parseResults(msgs, pg.parsers, { rowMode: "array" })[0];
  });
}
const Q1 = `insert into t (id, n, data) values ($1, $2, $3) on conflict (id) do update set n = t.n + excluded.n returning id, n, data, ts`;
const Q2 = `with x as (insert into a (id, v) values ($1, $2) returning 1) update t set n = n + 1 where id = $3 returning *`;
for (const round of [0, 1]) {
  for (const [label, fn] of [["query", (q: string, p: unknown[]) => pg.query(q, p, { rowMode: "array" })], ["fast", fastQuery]] as const) {
    const c0 = process.cpuUsage(); const N = 2000;
    for (let i = 0; i < N; i++) { await fn(Q1, [`k${i % 50}`, i, { a: i, b: "x" }]); await fn(Q2, [`a${i}`, "v", `k${i % 50}`]); }
    const c = process.cpuUsage(c0);
    console.log(round, label, ((c.user + c.system) / 1000 / N / 2).toFixed(3), "CPU ms per statement");
  }
}
console.log(await fastQuery(Q1, ["zz", 1, { q: [1, 2] }]));
console.log(await pg.query(Q1, ["zz", 1, { q: [1, 2] }], { rowMode: "array" }));
