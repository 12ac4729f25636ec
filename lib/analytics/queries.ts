// Read models for the admin dashboard and the policy editor: aggregates over cases, detections and
// decisions. They take `db | tx` explicitly; every window is in UTC days.
import { and, count, desc, eq, gte, inArray, isNotNull, isNull, sql } from "drizzle-orm";
import type { DbOrTx } from "../../db";
import { cases, decisions, detectionCache, detections, imageListEntries, imageLists, images, users, type CaseState } from "../../db/schema";
import { DECISION_OUTCOMES, VERDICTS, type DecisionOutcome } from "../../db/schema/enums";
import { retentionStatus } from "../cases/retention";
import type { LabelledScore } from "./roc";

type Verdict = (typeof VERDICTS)[number];

const since = (days: number) => sql`now() - make_interval(days => ${days})`;

/** The latest decision of each reviewed case (an amendment supersedes the one before; an undone one does not count). */
function latestDecisions(db: DbOrTx) {
  return db
    .selectDistinctOn([decisions.caseId], { caseId: decisions.caseId, outcome: decisions.outcome, reviewerId: decisions.reviewerId })
    .from(decisions)
    .where(isNull(decisions.undoneAt))
    .orderBy(decisions.caseId, desc(decisions.createdAt), desc(decisions.id))
    .as("latest");
}

/** Scores of cases a person decided as AI or authentic: the labels for the policy editor's ROC curve. */
export async function labelledScores(db: DbOrTx): Promise<LabelledScore[]> {
  const latest = latestDecisions(db);
  const rows = await db
    .select({ score: cases.score, outcome: latest.outcome })
    .from(cases)
    .innerJoin(latest, eq(latest.caseId, cases.id))
    .where(and(isNotNull(cases.score), inArray(latest.outcome, ["confirmed_ai", "authentic"])));
  return rows.map((r) => ({ score: r.score!, ai: r.outcome === "confirmed_ai" }));
}

/** Scanned cases of the last `days` days by integer score and verdict: enough to replay any threshold. */
export interface ScoreBucket {
  score: number;
  verdict: Verdict;
  n: number;
}

export async function recentScoreBuckets(db: DbOrTx, days = 30): Promise<ScoreBucket[]> {
  const bucket = sql<number>`least(100, greatest(0, floor(${cases.score})))::int`;
  const rows = await db
    .select({ score: bucket, verdict: cases.verdict, n: count() })
    .from(cases)
    .where(and(isNotNull(cases.score), isNotNull(cases.verdict), gte(cases.createdAt, since(days))))
    .groupBy(bucket, cases.verdict);
  return rows.map((r) => ({ score: Number(r.score), verdict: r.verdict!, n: Number(r.n) }));
}

export interface DayVolume {
  day: string;
  total: number;
  byVerdict: Record<Verdict | "unscanned", number>;
}

/** Cases created per UTC day over the last `days` days (days without cases included, as zeros). */
export async function volumePerDay(db: DbOrTx, days = 30): Promise<DayVolume[]> {
  const day = sql<string>`to_char(${cases.createdAt} at time zone 'UTC', 'YYYY-MM-DD')`;
  const rows = await db
    .select({ day, verdict: cases.verdict, n: count() })
    .from(cases)
    .where(gte(cases.createdAt, since(days - 1)))
    .groupBy(day, cases.verdict);
  const out = new Map<string, DayVolume>();
  const today = new Date();
  for (let i = days - 1; i >= 0; i--) {
    const d = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate() - i)).toISOString().slice(0, 10);
    out.set(d, { day: d, total: 0, byVerdict: { ai_generated: 0, likely_authentic: 0, inconclusive: 0, unscanned: 0 } });
  }
  for (const r of rows) {
    const v = out.get(r.day);
    if (!v) continue;
    v.total += Number(r.n);
    v.byVerdict[r.verdict ?? "unscanned"] += Number(r.n);
  }
  return [...out.values()];
}

/** States in which a case waits for a person: held back from publication, or sent to manual review. */
export const AWAITING_REVIEW = ["quarantined", "manual_review"] as const satisfies readonly CaseState[];

export interface QueueStats {
  /** Cases waiting for a person (AWAITING_REVIEW). */
  waiting: number;
  byState: Partial<Record<CaseState, number>>;
  /** Age in hours of the oldest and the median waiting case; null when none wait. */
  oldestHours: number | null;
  medianHours: number | null;
}

export async function queueStats(db: DbOrTx): Promise<QueueStats> {
  const waiting = [...AWAITING_REVIEW];
  const rows = await db
    .select({ state: cases.state, n: count() })
    .from(cases)
    .where(inArray(cases.state, waiting))
    .groupBy(cases.state);
  const [ages] = await db
    .select({
      oldest: sql<number | null>`extract(epoch from now() - min(${cases.createdAt})) / 3600`,
      median: sql<number | null>`extract(epoch from now() - percentile_disc(0.5) within group (order by ${cases.createdAt})) / 3600`,
    })
    .from(cases)
    .where(inArray(cases.state, waiting));
  const byState = Object.fromEntries(rows.map((r) => [r.state, Number(r.n)]));
  return {
    waiting: rows.reduce((a, r) => a + Number(r.n), 0),
    byState,
    oldestHours: ages?.oldest == null ? null : Number(ages.oldest),
    medianHours: ages?.median == null ? null : Number(ages.median),
  };
}

export interface ReviewerActivity {
  reviewer: string;
  total: number;
  byOutcome: Record<DecisionOutcome, number>;
}

/** Decisions per reviewer over the last `days` days, most active first. */
export async function decisionsPerReviewer(db: DbOrTx, days = 30): Promise<ReviewerActivity[]> {
  const rows = await db
    .select({ reviewer: users.email, outcome: decisions.outcome, n: count() })
    .from(decisions)
    .innerJoin(users, eq(users.id, decisions.reviewerId))
    .where(gte(decisions.createdAt, since(days)))
    .groupBy(users.email, decisions.outcome);
  const out = new Map<string, ReviewerActivity>();
  for (const r of rows) {
    const a = out.get(r.reviewer) ?? { reviewer: r.reviewer, total: 0, byOutcome: Object.fromEntries(DECISION_OUTCOMES.map((o) => [o, 0])) as Record<DecisionOutcome, number> };
    a.byOutcome[r.outcome] += Number(r.n);
    a.total += Number(r.n);
    out.set(r.reviewer, a);
  }
  return [...out.values()].sort((a, b) => b.total - a.total || a.reviewer.localeCompare(b.reviewer));
}

/** Engine verdict × latest human decision, over every decided case. */
export interface Agreement {
  matrix: Record<Verdict, Record<DecisionOutcome, number>>;
  /** Of cases the engine called AI or authentic and a person called AI or authentic: the share that match. */
  rate: number | null;
  compared: number;
}

export async function engineAgreement(db: DbOrTx): Promise<Agreement> {
  const latest = latestDecisions(db);
  const rows = await db
    .select({ verdict: cases.verdict, outcome: latest.outcome, n: count() })
    .from(cases)
    .innerJoin(latest, eq(latest.caseId, cases.id))
    .where(isNotNull(cases.verdict))
    .groupBy(cases.verdict, latest.outcome);
  const matrix = Object.fromEntries(VERDICTS.map((v) => [v, Object.fromEntries(DECISION_OUTCOMES.map((o) => [o, 0]))])) as Agreement["matrix"];
  for (const r of rows) matrix[r.verdict!][r.outcome] += Number(r.n);
  const agree = matrix.ai_generated.confirmed_ai + matrix.likely_authentic.authentic;
  const compared = agree + matrix.ai_generated.authentic + matrix.likely_authentic.confirmed_ai;
  return { matrix, rate: compared ? agree / compared : null, compared };
}

/** One image list's work over a window (the dashboard's "Image lists"). */
export interface ListActivity {
  id: string;
  name: string;
  action: "quarantine" | "clear";
  autoAddOutcome: DecisionOutcome | null;
  entries: number;
  /** Entries added in the window: by a person (the case page, the Lists page, the API, the CLI) or by decisions. */
  addedByHand: number;
  addedByDecisions: number;
  /** Scans in the window whose image matched the list (a rescan counts again). */
  matchedScans: number;
  /** Of those, the scans the list decided (no quarantine list matched before a clear one). */
  decidedScans: number;
}

/** Every image list with its entries and what it did over the last `days` days, by name. */
export async function listActivity(db: DbOrTx, days = 30): Promise<ListActivity[]> {
  // Spelt out: in a one-table select drizzle writes columns unqualified, and an unqualified "id" in the
  // subqueries would be the entry's.
  const listId = sql.raw(`"image_lists"."id"`);
  const lists = await db
    .select({
      id: imageLists.id,
      name: imageLists.name,
      action: imageLists.action,
      autoAddOutcome: imageLists.autoAddOutcome,
      entries: sql<number>`(select count(*)::int from ${imageListEntries} e where e.list_id = ${listId})`,
      addedByHand: sql<number>`(select count(*)::int from ${imageListEntries} e where e.list_id = ${listId} and e.decision_id is null and e.created_at >= ${since(days)})`,
      addedByDecisions: sql<number>`(select count(*)::int from ${imageListEntries} e where e.list_id = ${listId} and e.decision_id is not null and e.created_at >= ${since(days)})`,
    })
    .from(imageLists)
    .orderBy(imageLists.name);
  if (!lists.length) return [];
  // Each scan's matches (one per list) and the list that decided it, as the detection recorded them.
  const scans = (await db.execute(sql`
    select m ->> 'listId' as list_id, count(*)::int as matched,
      count(*) filter (where d.policy -> 'list' ->> 'listId' = m ->> 'listId')::int as decided
    from ${detections} d, jsonb_array_elements(d.list_matches) m
    where d.created_at >= ${since(days)} and jsonb_typeof(d.list_matches) = 'array'
    group by 1`)) as unknown;
  // postgres.js answers the rows; PGlite an object holding them.
  const rows = (Array.isArray(scans) ? scans : (scans as { rows: unknown[] }).rows) as { list_id: string; matched: number; decided: number }[];
  const byList = new Map(rows.map((r) => [r.list_id, r]));
  return lists.map((l) => ({
    ...l,
    entries: Number(l.entries),
    addedByHand: Number(l.addedByHand),
    addedByDecisions: Number(l.addedByDecisions),
    matchedScans: Number(byList.get(l.id)?.matched ?? 0),
    decidedScans: Number(byList.get(l.id)?.decided ?? 0),
  }));
}

export interface StorageSummary {
  /** Originals some live case still shows, and their bytes (each stored once, whatever its cases). */
  originals: number;
  originalBytes: number;
  /** Live cases whose image the retention removed: in all, and in the window. */
  removed: number;
  removedRecently: number;
  /** Settled cases past their policy's retention that the next sweep takes. */
  dueNow: number;
  /** Entries of the detection cache (POST /api/v1/detect), each with its heatmaps when asked for. */
  cacheEntries: number;
}

/** What the installation keeps: originals, what retention removed and has due, the detection cache. */
export async function storageSummary(db: DbOrTx, days = 30): Promise<StorageSummary> {
  const [stored] = await db
    .select({ n: sql<number>`count(*)::int`, bytes: sql<string>`coalesce(sum(${images.sizeBytes}), 0)::text` })
    .from(images)
    // Spelt out: in a one-table select drizzle writes columns unqualified.
    .where(sql`exists (select 1 from ${cases} c where c.image_id = "images"."id" and c.deleted_at is null and c.image_removed_at is null)`);
  const [removed] = await db
    .select({ all: count(), recent: sql<number>`count(*) filter (where ${cases.imageRemovedAt} >= ${since(days)})::int` })
    .from(cases)
    .where(and(isNull(cases.deletedAt), isNotNull(cases.imageRemovedAt)));
  const [cache] = await db.select({ n: count() }).from(detectionCache);
  const due = (await retentionStatus(db)).reduce((a, r) => a + r.due, 0);
  return {
    originals: Number(stored?.n ?? 0),
    originalBytes: Number(stored?.bytes ?? 0),
    removed: Number(removed?.all ?? 0),
    removedRecently: Number(removed?.recent ?? 0),
    dueNow: due,
    cacheEntries: Number(cache?.n ?? 0),
  };
}
