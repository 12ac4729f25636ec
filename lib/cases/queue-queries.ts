// The review queue's reads: one page of cases under filters, a sort and a keyset cursor; counts per
// state under the same filters; each row's latest human decision and whether the same image was
// already decided in another case. They take `db | tx` explicitly.
import { and, eq, gte, inArray, isNotNull, isNull, lt, lte, sql, type SQL } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import type { DbOrTx } from "../../db";
import { caseNotes, cases, decisions, images, policies, users, type CaseState } from "../../db/schema";
import { AppError } from "../errors";
import type { Role } from "../auth/roles";
import { QUEUE_DEFAULT_LIMIT, type QueueParams, type QueueSort } from "./queue-params";
import { QUEUE_STATES } from "./queries";

type SortKey = "risk" | "age" | "score" | "size";

const SORTS: Record<QueueSort, { key: SortKey; dir: "asc" | "desc" }> = {
  // Riskiest band first (cases.risk_band), oldest first within a band: the longest-waiting urgent case on top.
  risk: { key: "risk", dir: "asc" },
  newest: { key: "age", dir: "desc" },
  oldest: { key: "age", dir: "asc" },
  score_high: { key: "score", dir: "desc" },
  score_low: { key: "score", dir: "asc" },
  size_large: { key: "size", dir: "desc" },
  size_small: { key: "size", dir: "asc" },
};

/** Moderators and admins triage by risk; an editor mostly looks for what they just submitted. */
export function defaultQueueSort(role: Role): QueueSort {
  return role === "editor" ? "newest" : "risk";
}

/** A second name for cases, for the grouped view's "an earlier-ranked member of this group" test. */
const dup = alias(cases, "dup");

/** The cases table, or an alias of it (the grouped view compares a row with its group's other rows). */
type CasesTable = typeof cases | typeof dup;


/**
 * The sort key of each order, as SQL. Score sorts put unscanned cases (no score) below every scored
 * one via coalesce(score, -1), which cases_score_idx indexes, so the keyset never compares NULLs.
 * Size is the copy on the case row (cases.image_size_bytes), so cases_size_idx serves it without the
 * images join.
 */
function keySql(key: Exclude<SortKey, "age">, t: CasesTable = cases): SQL {
  if (key === "risk") return sql`${t.riskBand}`;
  if (key === "score") return sql`coalesce(${t.score}, -1)`;
  return sql`${t.imageSizeBytes}`;
}
const KEY_CAST: Record<Exclude<SortKey, "age">, SQL> = { risk: sql`smallint`, score: sql`real`, size: sql`integer` };
// Text forms of each key as PostgreSQL prints them (a real prints its shortest exact form, so it
// reads back as the same value).
const KEY_TEXT: Record<Exclude<SortKey, "age">, RegExp> = {
  risk: /^[0-9]$/,
  score: /^-?\d+(\.\d+)?(e[-+]?\d+)?$/,
  size: /^\d{1,10}$/,
};

/**
 * A position in one sort order: the sort key's value as text (none for age), created_at to the
 * microsecond (lib/cases/queries.ts explains why not a Date) and the id. The sort's name is part of
 * the cursor so a cursor from another order is refused instead of silently skipping rows.
 */
export interface QueueCursor {
  sort: QueueSort;
  key: string;
  at: string;
  id: string;
}

const CURSOR_AT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
const CURSOR_ID = /^case_[0-9a-z]{1,64}$/;

export function encodeQueueCursor(c: QueueCursor): string {
  return Buffer.from(`q1|${c.sort}|${c.key}|${c.at}|${c.id}`, "utf8").toString("base64url");
}

/** The position in a cursor, or null when it is not one this module wrote for `sort`. */
export function decodeQueueCursor(cursor: string, sort: QueueSort): QueueCursor | null {
  const [tag, s, key, at, id, ...rest] = Buffer.from(cursor, "base64url").toString("utf8").split("|");
  if (tag !== "q1" || rest.length || s !== sort || key === undefined || !at || !id || !CURSOR_AT.test(at) || !CURSOR_ID.test(id)) return null;
  const k = SORTS[sort].key;
  if (k === "age" ? key !== "" : !KEY_TEXT[k].test(key)) return null;
  const year = Number(at.slice(0, 4));
  return year >= 2000 && year <= 9999 ? { sort, key, at, id } : null;
}

const createdAtText = sql<string>`to_char(${cases.createdAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/** `v` with LIKE's own wildcards (and its escape character) taken literally. */
const escapeLike = (v: string) => v.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * The outcome of the case `t`'s latest decision in force (decisions_case_created_idx): an undone
 * amendment leaves the decision before it in force, as the row's decision column shows.
 */
const latestOutcome = (t: CasesTable) =>
  sql`(select ${decisions.outcome} from ${decisions} where ${decisions.caseId} = ${t.id} and ${decisions.undoneAt} is null order by ${decisions.createdAt} desc limit 1)`;

/**
 * WHERE conditions for the filters and the search, all but the state filter (counts reuse them), on
 * the cases table or an alias of it (`t`).
 */
function filterConditions(p: QueueParams, t: CasesTable = cases): SQL[] {
  // A deleted case (DELETE /api/v1/cases/{id}) is gone from every list.
  const where: SQL[] = [isNull(t.deletedAt)];
  if (p.verdict) where.push(inArray(t.verdict, p.verdict));
  // reviewed_at is set by decideCase (lib/cases/decide-case.ts) in the transaction that inserts the
  // decision, and by nothing else, so "has a decision" is a column test instead of a lookup per case.
  if (p.decision === "none") where.push(isNull(t.reviewedAt));
  else if (p.decision === "any") where.push(isNotNull(t.reviewedAt));
  else if (p.decision) where.push(sql`${latestOutcome(t)} = ${p.decision}`);
  if (p.score_min !== undefined) where.push(gte(t.score, p.score_min));
  if (p.score_max !== undefined) where.push(lte(t.score, p.score_max));
  if (p.source) where.push(eq(t.source, p.source));
  if (p.submitter) {
    where.push(
      p.submitter.startsWith("usr_")
        ? eq(t.submitterId, p.submitter)
        : inArray(t.submitterId, sql`(select ${users.id} from ${users} where lower(${users.email}) = lower(${p.submitter}))`),
    );
  }
  if (p.policy) where.push(inArray(t.policyId, sql`(select ${policies.id} from ${policies} where ${policies.name} = ${p.policy})`));
  if (p.from) where.push(gte(t.createdAt, sql`${`${p.from}T00:00:00Z`}::timestamptz`));
  if (p.to) where.push(lt(t.createdAt, sql`${`${p.to}T00:00:00Z`}::timestamptz + interval '1 day'`));
  if (p.q) {
    // Each field is matched by its own index (a prefix LIKE on text_pattern_ops), and the matching ids
    // are unioned: an OR over the fields, across the images join, would read every case instead.
    const prefix = `${escapeLike(p.q.toLowerCase())}%`;
    const arms: SQL[] = [
      sql`select ${cases.id} from ${cases} where lower(${cases.filename}) like ${prefix}`,
      sql`select ${cases.id} from ${cases} where lower(${cases.externalRef}) like ${prefix}`,
    ];
    if (/^case_[0-9a-z]+$/i.test(p.q)) arms.push(sql`select ${cases.id} from ${cases} where ${cases.id} = ${p.q.toLowerCase()}`);
    // sha256 is stored as lowercase hex; a prefix of 4+ digits is specific enough to be meant.
    if (/^[0-9a-f]{4,64}$/i.test(p.q)) {
      arms.push(sql`select ${cases.id} from ${cases} inner join ${images} on ${images.id} = ${cases.imageId} where ${images.sha256} like ${prefix}`);
    }
    where.push(sql`${t.id} in (${sql.join(arms, sql` union all `)})`);
  }
  return where;
}

export interface QueueRow {
  id: string;
  state: CaseState;
  verdict: "ai_generated" | "likely_authentic" | "inconclusive" | null;
  score: number | null;
  filename: string;
  externalRef: string | null;
  source: "upload" | "api";
  createdAt: Date;
  image: { id: string; format: string; width: number; height: number; sizeBytes: number; sha256: string };
  /** The latest human decision, when there is one. */
  decision: { outcome: string; reviewer: string; at: Date } | null;
  /** Another case of the same image bytes that has a decision (only for cases without their own). */
  duplicateOf: { caseId: string; outcome: string } | null;
  /**
   * In the grouped view, the row's duplicate group under the view's filters: how many cases it holds
   * and their ids (oldest first, at most QUEUE_GROUP_MEMBER_LIMIT), this row's own case among them.
   * Null when not grouping.
   */
  group: { size: number; caseIds: string[] } | null;
  /** The case's policy blurs images until a reviewer reveals them (the thumbnail is blurred). */
  blur: boolean;
  /** The retention removed the image (lib/cases/retention.ts): there is no thumbnail. */
  imageRemoved: boolean;
  /** Notes on the case (lib/cases/case-notes.ts). */
  notes: number;
  /** The image list that decided the case's latest scan, instead of the thresholds (lib/lists/). */
  decidedByList: { name: string; action: "quarantine" | "clear" } | null;
}

/** The most case ids a grouped row carries (a bulk action on the row applies to these). */
export const QUEUE_GROUP_MEMBER_LIMIT = 200;

export interface QueuePage {
  items: QueueRow[];
  sort: QueueSort;
  /** Cursor for the page after the last row, or null at the end. */
  nextCursor: string | null;
  /** Cursor for the page before the first row, or null at the start. */
  prevCursor: string | null;
}

/**
 * One page of the queue. `after` pages forward; `before` pages back (the query runs in the reverse
 * order and the rows are turned round). Exact: every matching case is on exactly one page of a walk.
 */
export async function listQueue(db: DbOrTx, p: QueueParams, opts: { defaultSort?: QueueSort } = {}): Promise<QueuePage> {
  const sort = p.sort ?? opts.defaultSort ?? "risk";
  const { key, dir } = SORTS[sort];
  const limit = p.limit ?? QUEUE_DEFAULT_LIMIT;
  const where = viewConditions(p);
  const raw = p.after ?? p.before;
  const backwards = Boolean(p.before);
  if (raw) {
    const pos = decodeQueueCursor(raw, sort);
    if (!pos) throw new AppError("invalid_request", "The page link is out of date or not one the queue made; start from the first page.", { param: p.after ? "after" : "before" });
    // Forward in ascending order, or backward in descending order, means "greater than".
    const greater = (dir === "asc") !== backwards;
    const left = key === "age" ? sql`(${cases.createdAt}, ${cases.id})` : sql`(${keySql(key)}, ${cases.createdAt}, ${cases.id})`;
    const right =
      key === "age"
        ? sql`(${pos.at}::timestamptz, ${pos.id})`
        : sql`(${pos.key}::${KEY_CAST[key]}, ${pos.at}::timestamptz, ${pos.id})`;
    where.push(greater ? sql`${left} > ${right}` : sql`${left} < ${right}`);
  }
  if (p.group) {
    // Grouped: a case is shown only when no other case of its duplicate group in this view ranks
    // before it in this sort, so each group is one row, at the place of its first-ranked member. The
    // test depends on the row alone (not on the cursor), so keyset paging stays exact; it is one
    // cases_duplicate_group_idx lookup per row the page scans.
    const mine = key === "age" ? sql`(${cases.createdAt}, ${cases.id})` : sql`(${keySql(key)}, ${cases.createdAt}, ${cases.id})`;
    const theirs = key === "age" ? sql`(${dup.createdAt}, ${dup.id})` : sql`(${keySql(key, dup)}, ${dup.createdAt}, ${dup.id})`;
    const ranksBefore = dir === "asc" ? sql`${theirs} < ${mine}` : sql`${theirs} > ${mine}`;
    where.push(sql`not exists (select 1 from ${cases} ${sql.identifier("dup")} where ${dup.duplicateGroup} = ${cases.duplicateGroup} and ${ranksBefore} and ${and(...viewConditions(p, dup))})`);
  }
  const ascending = (dir === "asc") !== backwards;
  const order = (e: SQL | typeof cases.id | typeof cases.createdAt) => (ascending ? sql`${e} asc` : sql`${e} desc`);
  const orderBy = [...(key === "age" ? [] : [order(keySql(key))]), order(cases.createdAt), order(cases.id)];
  const keyText = key === "age" ? sql<string>`''` : sql<string>`(${keySql(key)})::text`;

  const rows = await db
    .select({
      id: cases.id,
      state: cases.state,
      verdict: cases.verdict,
      score: cases.score,
      filename: cases.filename,
      externalRef: cases.externalRef,
      source: cases.source,
      createdAt: cases.createdAt,
      duplicateGroup: cases.duplicateGroup,
      policyId: cases.policyId,
      imageRemovedAt: cases.imageRemovedAt,
      image: { id: images.id, format: images.format, width: images.width, height: images.height, sizeBytes: images.sizeBytes, sha256: images.sha256 },
      at: createdAtText,
      key: keyText,
    })
    .from(cases)
    .innerJoin(images, eq(images.id, cases.imageId))
    .where(where.length ? and(...where) : undefined)
    .orderBy(...orderBy)
    .limit(limit + 1);
  const more = rows.length > limit;
  const page = rows.slice(0, limit);
  if (backwards) page.reverse();
  const cursorOf = (r: (typeof page)[number]) => encodeQueueCursor({ sort, key: r.key, at: r.at, id: r.id });
  const first = page[0];
  const last = page[page.length - 1];
  // Coming from a cursor, the page on the other side exists: that is where the cursor came from.
  const nextCursor = last && (backwards || more) ? cursorOf(last) : null;
  const prevCursor = first && (backwards ? more : Boolean(p.after)) ? cursorOf(first) : null;

  const ids = page.map((r) => r.id);
  const [decided, twins, groups, blurring, listed, noted] = await Promise.all([
    latestDecisions(db, ids),
    decidedTwins(db, page.map((r) => r.image.id)),
    p.group ? groupMembers(db, p, page.map((r) => r.duplicateGroup)) : Promise.resolve(null),
    // The policies that blur images (a handful of rows): their cases' thumbnails are blurred too.
    db.select({ id: policies.id }).from(policies).where(eq(policies.blurImages, true)),
    decidingLists(db, ids),
    noteCounts(db, ids),
  ]);
  const blurIds = new Set(blurring.map((x) => x.id));
  const items = page.map(({ at: _at, key: _key, duplicateGroup, policyId, imageRemovedAt, ...r }) => {
    const d = decided.get(r.id);
    // The row shows who decided what and when; the note stays on the case page (and in exports).
    const decision = d ? { outcome: d.outcome, reviewer: d.reviewer, at: d.at } : null;
    const twin = twins.get(r.image.id);
    const group = groups ? (groups.get(duplicateGroup) ?? { size: 1, caseIds: [r.id] }) : null;
    return { ...r, decision, duplicateOf: !decision && twin && twin.caseId !== r.id ? twin : null, group, blur: blurIds.has(policyId), imageRemoved: imageRemovedAt !== null, notes: noted.get(r.id) ?? 0, decidedByList: listed.get(r.id) ?? null };
  });
  return { items, sort, nextCursor, prevCursor };
}

/** The view's WHERE conditions on `t`: the filters, the search and the state filter (also the export's, lib/cases/export-cases.ts). */
export function viewConditions(p: QueueParams, t: CasesTable = cases): SQL[] {
  const where = filterConditions(p, t);
  if (p.state) where.push(inArray(t.state, p.state));
  return where;
}

/** Each duplicate group's cases under the view's filters: their number and (some of) their ids. */
async function groupMembers(db: DbOrTx, p: QueueParams, groups: string[]): Promise<Map<string, { size: number; caseIds: string[] }>> {
  if (!groups.length) return new Map();
  const rows = await db
    .select({
      group: cases.duplicateGroup,
      size: sql<number>`count(*)::int`,
      caseIds: sql<string[]>`(array_agg(${cases.id} order by ${cases.createdAt}, ${cases.id}))[1:${sql.raw(String(QUEUE_GROUP_MEMBER_LIMIT))}]`,
    })
    .from(cases)
    .where(and(inArray(cases.duplicateGroup, [...new Set(groups)]), ...viewConditions(p)))
    .groupBy(cases.duplicateGroup);
  return new Map(rows.map((r) => [r.group, { size: Number(r.size), caseIds: r.caseIds }]));
}

/** Each case's latest decision still in force (an undone one does not count), with the reviewer's email and the note. */
export async function latestDecisions(db: DbOrTx, caseIds: string[]): Promise<Map<string, { outcome: string; reviewer: string; at: Date; note: string }>> {
  if (!caseIds.length) return new Map();
  const rows = await db
    .selectDistinctOn([decisions.caseId], { caseId: decisions.caseId, outcome: decisions.outcome, at: decisions.createdAt, reviewer: users.email, note: decisions.note })
    .from(decisions)
    .innerJoin(users, eq(users.id, decisions.reviewerId))
    .where(and(inArray(decisions.caseId, caseIds), isNull(decisions.undoneAt)))
    .orderBy(decisions.caseId, sql`${decisions.createdAt} desc`);
  return new Map(rows.map((r) => [r.caseId, { outcome: r.outcome, reviewer: r.reviewer, at: r.at, note: r.note }]));
}

/** How many notes each case has (cases without any are left out). */
async function noteCounts(db: DbOrTx, caseIds: string[]): Promise<Map<string, number>> {
  if (!caseIds.length) return new Map();
  const rows = await db
    .select({ caseId: caseNotes.caseId, n: sql<number>`count(*)::int` })
    .from(caseNotes)
    .where(inArray(caseNotes.caseId, caseIds))
    .groupBy(caseNotes.caseId);
  return new Map(rows.map((r) => [r.caseId, Number(r.n)]));
}

/** For each case whose latest scan an image list decided, that list (as the scan recorded it). */
export async function decidingLists(db: DbOrTx, caseIds: string[]): Promise<Map<string, { name: string; action: "quarantine" | "clear" }>> {
  if (!caseIds.length) return new Map();
  // Per case, its newest detection through detections_case_idx (case_id, created_at): one index probe
  // each. (A DISTINCT ON over the page's detections read them all and sorted them: +25 ms a page on
  // PGlite at 100 000 cases.)
  const rows = await db
    .select({
      caseId: cases.id,
      // Spelt out with an alias: in a one-table select drizzle writes columns unqualified, and an
      // unqualified "id" inside the subquery would be the detection's.
      list: sql<{ listName: string; action: "quarantine" | "clear" } | null>`(select d.policy -> 'list' from detections d where d.case_id = "cases"."id" order by d.created_at desc limit 1)`,
    })
    .from(cases)
    .where(inArray(cases.id, caseIds));
  return new Map(rows.flatMap((r) => (r.list ? [[r.caseId, { name: r.list.listName, action: r.list.action }] as const] : [])));
}

/**
 * For each image, the most recently decided case of it, if any: a queue row whose own case is
 * undecided is then marked "duplicate of a decided case". Same bytes only here (cases_image_idx);
 * near-duplicates by dHash are compared on the case page (lib/cases/related-cases.ts), where one
 * image is compared with all, not a page of them.
 */
export async function decidedTwins(db: DbOrTx, imageIds: string[]): Promise<Map<string, { caseId: string; outcome: string }>> {
  if (!imageIds.length) return new Map();
  const rows = await db
    .selectDistinctOn([cases.imageId], { imageId: cases.imageId, caseId: cases.id, outcome: decisions.outcome })
    .from(cases)
    .innerJoin(decisions, eq(decisions.caseId, cases.id))
    .where(and(inArray(cases.imageId, [...new Set(imageIds)]), isNull(decisions.undoneAt), isNull(cases.deletedAt)))
    .orderBy(cases.imageId, sql`${decisions.createdAt} desc`);
  return new Map(rows.map((r) => [r.imageId, { caseId: r.caseId, outcome: r.outcome }]));
}

/** The numbers shown with the queue: of cases, or of duplicate groups in the grouped view. */
export interface QueueCounts {
  /** What is counted: what the list's rows are. */
  unit: "cases" | "groups";
  /** Under the filters and search, all states together (the "All" tab). */
  all: number;
  /** Each state's number under the same filters (each state tab). */
  byState: Record<CaseState, number>;
}

/**
 * Counts under the active filters and search, ignoring the state filter itself: the state tabs say
 * how many rows each tab would show. Grouped (`group=1`), a row is a duplicate group with a case in
 * the view, so a state counts the groups with a case in that state, and "all" the groups with any
 * case: a group spread over two states counts in each state's tab, once in "all".
 */
export async function countQueueStates(db: DbOrTx, p: QueueParams): Promise<QueueCounts> {
  const where = filterConditions(p);
  const byState = Object.fromEntries(QUEUE_STATES.map((s) => [s, 0])) as Record<CaseState, number>;
  if (!p.group) {
    const rows = await db.select({ state: cases.state, n: sql<number>`count(*)::int` }).from(cases).where(and(...where)).groupBy(cases.state);
    for (const r of rows) byState[r.state] = Number(r.n);
    return { unit: "cases", all: Object.values(byState).reduce((a, b) => a + b, 0), byState };
  }
  // A case alone in its group (cases.duplicate_group_shared false: most of them) is one group, counted
  // like a case. Distinct groups are taken only among the cases of shared groups, a few percent of all
  // (a small sort), per state and, in the empty grouping set (state null), over all states. Both are
  // a scan of the view's cases, as the ungrouped count is (an index on the flag would not be used: the
  // shared cases are spread over most pages).
  const shared = sql`${cases.duplicateGroupShared}`;
  const [singles, groups] = await Promise.all([
    db.select({ state: cases.state, n: sql<number>`count(*)::int` }).from(cases).where(and(...where, sql`not ${shared}`)).groupBy(cases.state),
    db
      .select({ state: sql<CaseState | null>`${cases.state}`, n: sql<number>`count(distinct ${cases.duplicateGroup})::int` })
      .from(cases)
      .where(and(...where, shared))
      .groupBy(sql`grouping sets ((${cases.state}), ())`),
  ]);
  let all = 0;
  for (const r of singles) {
    byState[r.state] += Number(r.n);
    all += Number(r.n);
  }
  for (const r of groups) {
    if (r.state === null) all += Number(r.n);
    else byState[r.state] += Number(r.n);
  }
  return { unit: "groups", all, byState };
}
