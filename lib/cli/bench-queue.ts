// `npm run bench:queue`: the review queue's reads at 100 000 cases. Seeds a throw-away PGlite database
// and, when DATABASE_URL (or TEST_DATABASE_URL) names a local PostgreSQL server, a temp database there
// (dropped after), with a realistic spread of states, scores, dates, sizes, sources and decisions,
// then lets the planner's statistics be made as the app's would be (PGlite: the app's maintenance;
// PostgreSQL: ANALYZE, autovacuum's job) and times what the queue page runs per view (one page of
// rows plus the per-state counts), the near-duplicate searches of an upload and of the case page, and
// a scan's image-list lookup against LIST_ENTRIES entries, and prints p50/p95 per scenario.
// Target: p95 under 200 ms. Then times two exports (lib/cases/export-cases.ts) end to end.
import type { PGlite } from "@electric-sql/pglite";
import { sql } from "drizzle-orm";
import type { Db } from "../../db";
import { maintainPglite } from "../../db/pglite-maintenance";
import { parseQueueParams, type QueueParams } from "../cases/queue-params";
import { assignDuplicateGroup } from "../cases/duplicate-group";
import { countQueueStates, listQueue } from "../cases/queue-queries";
import { EXPORT_PAGE_ROWS, exportPage } from "../cases/export-cases";
import { exportHeader, formatRow } from "../cases/export-format";
import { relatedCases } from "../cases/related-cases";
import { findListMatches } from "../lists/find-matches";
import { createPgliteTestDb, createPostgresTestDb, serverUrl, type TestDb } from "../testing/test-db";
import { pct } from "./bench-support";

const CASES = Number(process.env.BENCH_CASES ?? 100_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 40);
/** Entries of the image list a scan looks its image up in (lib/lists/find-matches.ts). */
const LIST_ENTRIES = Number(process.env.BENCH_LIST_ENTRIES ?? 20_000);

/**
 * One quarantine list of LIST_ENTRIES entries: the hashes of the images of the first 200 cases (those
 * duplicateLookups looks up near-duplicates of) and random ones, in two INSERT … SELECTs.
 */
async function seedList(db: Db): Promise<void> {
  await db.execute(sql`insert into image_lists (id, name, action) values ('lst_bench', 'bench list', 'quarantine')`);
  await db.execute(sql`insert into image_list_entries (id, list_id, sha256, phash, phash_informative)
    select 'lse_bench_seeded_' || c.id, 'lst_bench', i.sha256, i.phash, true
    from (select id, image_id from cases order by id limit 200) c join images i on i.id = c.image_id
    on conflict do nothing`);
  await db.execute(sql`insert into image_list_entries (id, list_id, sha256, phash, phash_informative)
    select 'lse_bench_' || g, 'lst_bench', md5(g::text) || md5('s' || g), substr(md5('p' || g), 1, 16), true
    from generate_series(1, ${Math.max(0, LIST_ENTRIES - 200)}) g`);
}

/** Bulk seed in a few INSERT … SELECT statements over generate_series: seconds, not minutes. */
async function seed(db: Db, n: number): Promise<{ sha: string; file: string }> {
  await db.execute(sql`insert into policies (id, name, quarantine_threshold, is_default) values ('pol_benchdefault', 'bench-default', 50, true), ('pol_benchstrict', 'strict', 30, false) on conflict do nothing`);
  await db.execute(sql`insert into users (id, email, password_hash, role)
    select 'usr_bench' || i, 'submitter' || i || '@bench.test', 'x', (case when i <= 3 then 'moderator' else 'editor' end)::role
    from generate_series(1, 20) i`);
  // ~3% of cases resubmit an earlier image (same bytes), as re-uploads do.
  await db.execute(sql`insert into images (id, sha256, mime, format, size_bytes, width, height, storage_key, phash, created_at)
    select 'img_bench' || i, encode(sha256(convert_to('bench' || i, 'UTF8')), 'hex'),
      (array['image/jpeg', 'image/png', 'image/webp'])[1 + i % 3], (array['jpeg', 'png', 'webp'])[1 + i % 3],
      20000 + (power(random(), 3) * 15000000)::int, 640 + i % 3000, 480 + i % 2000, 'bench/' || i, substr(md5(i::text), 1, 16),
      now() - interval '400 days'
    from generate_series(1, ${n}) i`);
  await db.execute(sql`insert into cases (id, image_id, image_size_bytes, duplicate_group, source, submitter_id, filename, external_ref, state, verdict, score, confidence, policy_id, created_at, updated_at)
    select 'case_bench' || lpad(i::text, 7, '0'), 'img_bench' || j, (select size_bytes from images im where im.id = 'img_bench' || j), 'img_bench' || j,
      source, 'usr_bench' || (1 + i % 20),
      (array['IMG_', 'upload-', 'photo_', 'render-'])[1 + i % 4] || i || (array['.jpg', '.png', '.webp'])[1 + i % 3],
      case when source = 'api' then 'ext-' || i end,
      state,
      case when score is null then null when score >= 70 then 'ai_generated' when score >= 40 then 'inconclusive' else 'likely_authentic' end::verdict,
      score, case when score is null then null else 0.8 end,
      case when i % 10 = 0 then 'pol_benchstrict' else 'pol_benchdefault' end,
      at, at
    from (
      select i, j, at, (case when r3 < 0.6 then 'api' else 'upload' end)::case_source as source, state,
        case
          when state in ('pending_scan', 'scanning', 'retry_pending') then null
          when state = 'quarantined' then 50 + r2 * 50
          when state = 'cleared' then r2 * 50
          when state = 'manual_review' then 40 + r2 * 20
          else r2 * 100
        end::real as score
      from (
        select i, j, r2, r3, now() - random() * interval '365 days' as at,
          (case when r < 0.45 then 'reviewed' when r < 0.75 then 'cleared' when r < 0.87 then 'quarantined' when r < 0.92 then 'manual_review'
                when r < 0.96 then 'pending_scan' when r < 0.98 then 'retry_pending' else 'scanning' end)::case_state as state
        from (select i, (case when i % 33 = 0 then greatest(1, i / 7) else i end) j, random() r, random() r2, random() r3 from generate_series(1, ${n}) i) g
      ) s
    ) c`);
  await db.execute(sql`insert into decisions (id, case_id, reviewer_id, outcome, created_at)
    select 'dec_bench' || substr(id, 11), id, 'usr_bench' || (1 + (hashtext(id) & 1) + 1),
      (array['confirmed_ai', 'authentic', 'needs_more_info'])[1 + (hashtext(id) & 3) % 3]::decision_outcome, created_at + interval '1 hour'
    from cases where state = 'reviewed'`);
  // One detection per scanned case (the queue reads the page's latest ones for the list badge), its
  // policy snapshot naming a deciding image list for 1 in 50.
  await db.execute(sql`insert into detections (id, case_id, image_id, scan, attempt, verdict, score, confidence, uncertainty, engine_version, fusion_version, signals, reasons, attribution, timings, policy, worker_id, created_at)
    select 'det_bench' || substr(id, 11), id, image_id, 1, 1, verdict, score, 0.5, 0.2, 'bench', 'bench', '[]', '[]', '{}', '{}',
      jsonb_build_object('id', 'pol_benchdefault', 'name', 'bench-default', 'quarantineThreshold', 50, 'inconclusiveAction', 'quarantine',
        'outcome', case when state = 'quarantined' then 'quarantined' else 'cleared' end)
      || case when hashtext(id) % 50 = 0 then jsonb_build_object('list', jsonb_build_object('listId', 'lst_bench', 'listName', 'bench list', 'action', 'quarantine', 'match', 'same_file', 'distance', 0)) else '{}'::jsonb end,
      'wrk_bench', created_at + interval '1 minute'
    from cases where verdict is not null`);
  // As assignDuplicateGroup (lib/cases/duplicate-group.ts) leaves it: false for a case alone in its group.
  await db.execute(sql`update cases set duplicate_group_shared = false where not exists (select 1 from cases o where o.duplicate_group = cases.duplicate_group and o.id <> cases.id)`);
  // decideCase stamps reviewed_at with every decision; the seed does too.
  await db.execute(sql`update cases set reviewed_at = created_at + interval '1 hour' where state = 'reviewed'`);
  const res = (await db.execute(sql`select i.sha256, c.filename from cases c join images i on i.id = c.image_id where c.id = 'case_bench0042424'`)) as unknown;
  // postgres.js answers an array of rows, PGlite an object with `rows`.
  const rows = (Array.isArray(res) ? res : (res as { rows: unknown[] }).rows) as { sha256: string; filename: string }[];
  const row = rows[0];
  return { sha: row?.sha256 ?? "00000000", file: row?.filename ?? "IMG_42424" };
}

function params(raw: Record<string, string>): QueueParams {
  const r = parseQueueParams(raw);
  if (!r.ok) throw new Error(r.message);
  return r.params;
}

/** RUNS timings of `fn`, after 3 unmeasured runs. */
async function timeRuns(fn: (i: number) => Promise<unknown>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < RUNS + 3; i++) {
    const t0 = performance.now();
    await fn(i);
    if (i >= 3) out.push(performance.now() - t0);
  }
  return out;
}

const timeView = (db: Db, p: QueueParams) => timeRuns(() => Promise.all([listQueue(db, p), countQueueStates(db, p)]));

/**
 * The near-duplicate searches (lib/cases/near-duplicates.ts) at this size: an upload's duplicate
 * group (assignDuplicateGroup, in a transaction rolled back, as each upload runs it while holding the
 * group lock) and the case page's related cases, for a hash one bit away from a seeded image's.
 */
async function duplicateLookups(db: Db): Promise<[string, number[]][]> {
  const rows = (await db.execute(sql`select c.id as case_id, i.id as image_id, i.phash from cases c join images i on i.id = c.image_id order by c.id limit 200`)) as unknown;
  const seeded = (Array.isArray(rows) ? rows : (rows as { rows: unknown[] }).rows) as { case_id: string; image_id: string; phash: string }[];
  const near = (i: number) => {
    const r = seeded[i % seeded.length]!;
    return { caseId: r.case_id, image: { id: r.image_id, phash: (BigInt(`0x${r.phash}`) ^ 1n).toString(16).padStart(16, "0"), phashInformative: true } };
  };
  const rollback = new Error("rollback");
  const assign = await timeRuns((i) =>
    db
      .transaction(async (tx) => {
        const { caseId, image } = near(i);
        await assignDuplicateGroup(tx, caseId, image);
        throw rollback;
      })
      .catch((err: unknown) => {
        if (err !== rollback) throw err;
      }),
  );
  const related = await timeRuns((i) => relatedCases(db, near(i).caseId, near(i).image));
  // A scan of a re-encoded copy of a listed image: another sha256, a hash one bit away.
  const listed = await timeRuns(async (i) => {
    const matches = await findListMatches(db, { sha256: `copy-${i}`, phash: near(i).image.phash, phashInformative: true });
    if (matches.length !== 1) throw new Error(`the list lookup found ${matches.length} lists, not 1`);
  });
  return [
    ["upload: duplicate group (near-duplicate search)", assign],
    ["case page: related cases", related],
    [`scan: image-list lookup (${LIST_ENTRIES.toLocaleString("en")} entries)`, listed],
  ];
}

/**
 * A whole export of view `p` as the route streams it (lib/cases/export-cases.ts): its pages read one
 * after the other and written as CSV. Each page's time is what another request on PGlite's one
 * connection may wait behind.
 */
async function timeExport(db: Db, p: QueueParams): Promise<{ rows: number; bytes: number; ms: number; pages: number[] }> {
  const pages: number[] = [];
  let rows = 0;
  let bytes = exportHeader("csv").length;
  const t0 = performance.now();
  let cursor: Parameters<typeof exportPage>[2] = null;
  do {
    const t = performance.now();
    const page = await exportPage(db, p, cursor, { baseUrl: "http://127.0.0.1:3000" });
    pages.push(performance.now() - t);
    rows += page.rows.length;
    for (const r of page.rows) bytes += Buffer.byteLength(formatRow(r, "csv"));
    cursor = page.next;
  } while (cursor);
  return { rows, bytes, ms: performance.now() - t0, pages };
}

async function bench(label: string, make: () => Promise<TestDb>) {
  const t = await make();
  try {
    const t0 = performance.now();
    const { sha, file } = await seed(t.db, CASES);
    await seedList(t.db);
    console.log(`\n${label}: seeded ${CASES.toLocaleString("en")} cases in ${((performance.now() - t0) / 1000).toFixed(1)} s; ${RUNS} runs per view (page of 50 + counts per state)`);
    // The statistics the planner works from, as the app gets them: on PGlite from the app's own
    // maintenance (db/pglite-maintenance.ts), on a server from autovacuum, which would get there
    // within a minute or so of the seed; this bench does not wait for it.
    const t1 = performance.now();
    if (t.kind === "pglite") {
      const { vacuumed: done } = await maintainPglite((t.db as unknown as { $client: PGlite }).$client);
      console.log(`the app's PGlite maintenance: vacuumed and analyzed ${done.length} tables in ${((performance.now() - t1) / 1000).toFixed(1)} s (${done.map((d) => `${d.table} ${d.ms.toFixed(0)} ms`).join(", ")})`);
    } else {
      await t.db.execute(sql`analyze`);
      console.log(`analyze (autovacuum's job on a server): ${((performance.now() - t1) / 1000).toFixed(1)} s`);
    }
    const page1 = await listQueue(t.db, params({}));
    const from = new Date(Date.now() - 90 * 86_400_000).toISOString().slice(0, 10);
    const views: [string, QueueParams][] = [
      ["default view (risk sort)", params({})],
      ["default view, page 2", params({ after: page1.nextCursor! })],
      ["filtered: api, ai_generated, score ≥ 70, last 90 days", params({ source: "api", verdict: "ai_generated", score_min: "70", from })],
      ["filtered: undecided, newest first", params({ decision: "none", sort: "newest" })],
      ["size sort, large to small", params({ sort: "size_large" })],
      ["filtered: size sort, strict policy", params({ sort: "size_large", policy: "strict" })],
      ["grouped duplicates (risk sort)", params({ group: "1" })],
      ["grouped duplicates, quarantined, size sort", params({ group: "1", state: "quarantined", sort: "size_small" })],
      [`search: file name "${file.slice(0, -4)}"`, params({ q: file.slice(0, -4) })],
      [`search: sha256 prefix "${sha.slice(0, 8)}"`, params({ q: sha.slice(0, 8) })],
    ];
    console.log(`${"view".padEnd(56)} ${"p50 ms".padStart(8)} ${"p95 ms".padStart(8)}`);
    for (const [name, p] of views) {
      const xs = await timeView(t.db, p);
      console.log(`${name.padEnd(56)} ${pct(xs, 0.5).toFixed(1).padStart(8)} ${pct(xs, 0.95).toFixed(1).padStart(8)}`);
    }
    for (const [name, xs] of await duplicateLookups(t.db)) {
      console.log(`${name.padEnd(56)} ${pct(xs, 0.5).toFixed(1).padStart(8)} ${pct(xs, 0.95).toFixed(1).padStart(8)}`);
    }
    for (const [name, p] of [["export: every case, CSV", params({})], ["export: quarantined, last 90 days, CSV", params({ state: "quarantined", from })]] as const) {
      const r = await timeExport(t.db, p);
      console.log(
        `${name}: ${r.rows.toLocaleString("en")} rows, ${(r.bytes / 1e6).toFixed(1)} MB in ${(r.ms / 1000).toFixed(2)} s (${Math.round(r.rows / (r.ms / 1000)).toLocaleString("en")} rows/s); ` +
          `a page of ${EXPORT_PAGE_ROWS}: p50 ${pct(r.pages, 0.5).toFixed(1)} / p95 ${pct(r.pages, 0.95).toFixed(1)} ms`,
      );
    }
  } finally {
    await t.cleanup();
  }
}

async function main() {
  await bench("PGlite (in memory)", () => createPgliteTestDb());
  if (serverUrl) await bench(`PostgreSQL (temp database on ${new URL(serverUrl).host})`, () => createPostgresTestDb(serverUrl!));
  else console.log("\nPostgreSQL: skipped (set DATABASE_URL to a local server to include it)");
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
