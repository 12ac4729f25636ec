// The queue's query builder against a seeded set of cases whose expected answers are computed here
// in plain TypeScript: each filter, each sort (walked forwards and backwards, every case exactly once),
// search by each field, and the per-state counts (of groups in the grouped view).
import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { cases, decisions, images, policies, users, type CaseState } from "../../db/schema";
import { CASE_STATES, DECISION_OUTCOMES, VERDICTS } from "../../db/schema/enums";
import { newId } from "../ids";
import { useSharedTestDb } from "../testing/shared-test-db";
import { TEST_DB_KINDS } from "../testing/test-db";
import { parseQueueParams, QUEUE_SORTS, type QueueParams, type QueueSort } from "./queue-params";
import { countQueueStates, decodeQueueCursor, encodeQueueCursor, listQueue } from "./queue-queries";

interface Seed {
  id: string;
  imageId: string;
  sha256: string;
  state: CaseState;
  verdict: (typeof VERDICTS)[number] | null;
  score: number | null;
  source: "upload" | "api";
  submitter: "a" | "b" | null;
  policy: "default" | "strict";
  filename: string;
  externalRef: string | null;
  at: string;
  size: number;
  /** cases.duplicate_group: three groups of several cases, the rest alone. */
  group: string;
  outcome: (typeof DECISION_OUTCOMES)[number] | null;
}

// A small deterministic generator: the same data on every run and database.
function rng(seed: number) {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
}

function makeSeeds(n: number): Seed[] {
  const r = rng(7);
  const pick = <T,>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)]!;
  return Array.from({ length: n }, (_, i) => {
    const state = pick(CASE_STATES);
    const scanned = !["pending_scan", "scanning", "retry_pending"].includes(state);
    // Scores and sizes repeat and timestamps share days and microseconds, so ties are exercised.
    const score = scanned ? pick([5, 20.5, 50, 50, 77.25, 90, 99.5]) : null;
    const sha = `${i.toString(16).padStart(4, "0")}${"ab".repeat(30)}`;
    const imageId = newId("image");
    return {
      id: newId("case"),
      imageId,
      group: i % 4 === 0 ? `grp_${i % 12}` : imageId,
      sha256: sha,
      state,
      verdict: scanned ? pick(VERDICTS) : null,
      score,
      source: pick(["upload", "api"] as const),
      submitter: pick(["a", "b", null] as const),
      policy: pick(["default", "strict"] as const),
      filename: `${pick(["cat", "dog", "sunset", "Portrait_100%"])}-${i}.${pick(["jpg", "png"])}`,
      externalRef: r() < 0.5 ? `ref-${i % 13}` : null,
      at: `2026-0${1 + (i % 3)}-1${i % 5}T10:00:00.12345${i % 4}Z`,
      size: pick([1000, 2000, 2000, 50_000]),
      outcome: state === "reviewed" ? pick(DECISION_OUTCOMES) : null,
    };
  });
}

const riskBand = (c: Seed) =>
  c.state === "quarantined" ? 0
  : c.state === "manual_review" || (c.state === "cleared" && c.verdict === "inconclusive") ? 1
  : c.state === "cleared" && c.score! >= 50 ? 2
  : ["pending_scan", "scanning", "retry_pending"].includes(c.state) ? 3
  : c.state === "cleared" ? 4
  : 5;

const cmp = (a: string | number, b: string | number) => (a < b ? -1 : a > b ? 1 : 0);
const SORT_KEY: Record<QueueSort, { key: (c: Seed) => number | null; dir: 1 | -1 }> = {
  risk: { key: riskBand, dir: 1 },
  newest: { key: () => null, dir: -1 },
  oldest: { key: () => null, dir: 1 },
  score_high: { key: (c) => c.score ?? -1, dir: -1 },
  score_low: { key: (c) => c.score ?? -1, dir: 1 },
  size_large: { key: (c) => c.size, dir: -1 },
  size_small: { key: (c) => c.size, dir: 1 },
};
function expectedOrder(rows: Seed[], sort: QueueSort): string[] {
  const { key, dir } = SORT_KEY[sort];
  return [...rows].sort((a, b) => dir * (cmp(key(a) ?? 0, key(b) ?? 0) || cmp(a.at, b.at) || cmp(a.id, b.id))).map((c) => c.id);
}

function params(raw: Record<string, string>): QueueParams {
  const r = parseQueueParams(raw);
  if (!r.ok) throw new Error(r.message);
  return r.params;
}

describe.each(TEST_DB_KINDS)("review queue queries on %s", (kind) => {
  const shared = useSharedTestDb(kind, "moderator");
  const seeds = makeSeeds(90);
  const userIds: Record<"a" | "b", string> = { a: newId("user"), b: newId("user") };

  beforeAll(async () => {
    const db = shared.t().db;
    const [def] = await db.select().from(policies);
    const strictId = newId("policy");
    await db.insert(policies).values({ id: strictId, name: "strict", quarantineThreshold: 30 });
    await db.insert(users).values([
      { id: userIds.a, email: "Alice@Example.test", passwordHash: "x", role: "editor" },
      { id: userIds.b, email: "bob@example.test", passwordHash: "x", role: "editor" },
    ]);
    await db.insert(images).values(
      seeds.map((s) => ({ id: s.imageId, sha256: s.sha256, mime: "image/png", format: "png", sizeBytes: s.size, width: 1, height: 1, storageKey: "x", phash: "0".repeat(16) })),
    );
    await db.insert(cases).values(
      seeds.map((s) => ({
        id: s.id,
        imageId: s.imageId,
        imageSizeBytes: s.size,
        duplicateGroup: s.group,
        // As assignDuplicateGroup leaves it: false only for a case alone in its group.
        duplicateGroupShared: seeds.filter((o) => o.group === s.group).length > 1,
        source: s.source,
        submitterId: s.submitter ? userIds[s.submitter] : null,
        filename: s.filename,
        externalRef: s.externalRef,
        state: s.state,
        verdict: s.verdict,
        score: s.score,
        policyId: s.policy === "strict" ? strictId : def!.id,
        createdAt: sql`${s.at}::timestamptz` as unknown as Date,
        // As decideCase leaves a decided case (lib/cases/bulk-cases.test.ts checks it does).
        reviewedAt: s.outcome ? new Date("2026-02-01T00:00:00Z") : null,
      })),
    );
    const reviewer = shared.actor();
    if (reviewer.type !== "user") throw new Error("expected a user actor");
    // An older, different decision first: the filter and the column must read the latest one.
    const decided = seeds.filter((s) => s.outcome);
    await db.insert(decisions).values(decided.map((s) => ({ id: newId("decision"), caseId: s.id, reviewerId: reviewer.id, outcome: "needs_more_info" as const, createdAt: new Date("2026-01-01T00:00:00Z") })));
    await db.insert(decisions).values(decided.map((s) => ({ id: newId("decision"), caseId: s.id, reviewerId: reviewer.id, outcome: s.outcome!, createdAt: new Date("2026-02-01T00:00:00Z") })));
  });

  /** Every id of a walk through all pages forwards, then the same pages walked backwards from the end. */
  async function walk(p: QueueParams, limit: number) {
    const db = shared.t().db;
    const forward: string[][] = [];
    let page = await listQueue(db, { ...p, limit });
    forward.push(page.items.map((r) => r.id));
    expect(page.prevCursor).toBeNull();
    while (page.nextCursor) {
      page = await listQueue(db, { ...p, limit, after: page.nextCursor });
      forward.push(page.items.map((r) => r.id));
    }
    const backward: string[][] = [forward[forward.length - 1]!];
    while (page.prevCursor) {
      page = await listQueue(db, { ...p, limit, before: page.prevCursor });
      backward.unshift(page.items.map((r) => r.id));
    }
    return { forward, backward };
  }

  it.each(QUEUE_SORTS)("sort %s: pages forwards and back see each case exactly once, in order", async (sort) => {
    for (const limit of [1, 7, 50]) {
      const { forward, backward } = await walk(params({ sort }), limit);
      expect(forward.flat()).toEqual(expectedOrder(seeds, sort));
      expect(backward).toEqual(forward);
    }
  });

  const GROUPED: [string, Record<string, string>, (s: Seed) => boolean][] = [
    ["risk sort", {}, () => true],
    ["newest first", { sort: "newest" }, () => true],
    ["size, large to small", { sort: "size_large" }, () => true],
    ["score, low to high, three states", { sort: "score_low", state: "quarantined,cleared,reviewed" }, (s) => ["quarantined", "cleared", "reviewed"].includes(s.state)],
    ["api only, oldest first", { source: "api", sort: "oldest" }, (s) => s.source === "api"],
  ];

  it.each(GROUPED)("grouped (%s): one row per duplicate group, at its first-ranked case in the view, with the group's cases", async (_name, raw, match) => {
    const db = shared.t().db;
    const byId = new Map(seeds.map((s) => [s.id, s]));
    const inView = expectedOrder(seeds.filter(match), (raw.sort as QueueSort | undefined) ?? "risk");
    const seen = new Set<string>();
    const expected = inView.filter((id) => !seen.has(byId.get(id)!.group) && Boolean(seen.add(byId.get(id)!.group)));
    expect(expected.length).toBeLessThan(inView.length);
    for (const limit of [1, 4, 50]) {
      const { forward, backward } = await walk(params({ ...raw, group: "1" }), limit);
      expect(forward.flat()).toEqual(expected);
      expect(backward).toEqual(forward);
    }
    const page = await listQueue(db, params({ ...raw, group: "1", limit: "200" }));
    for (const row of page.items) {
      const members = inView.filter((id) => byId.get(id)!.group === byId.get(row.id)!.group);
      expect(row.group).toEqual({ size: members.length, caseIds: [...members].sort((a, b) => cmp(byId.get(a)!.at, byId.get(b)!.at) || cmp(a, b)) });
    }
    // Not grouping: no group on the rows.
    expect((await listQueue(db, params(raw))).items.every((r) => r.group === null)).toBe(true);
  });

  const FILTERS: [string, Record<string, string>, (s: Seed) => boolean][] = [
    ["state", { state: "quarantined,manual_review" }, (s) => s.state === "quarantined" || s.state === "manual_review"],
    ["verdict", { verdict: "inconclusive" }, (s) => s.verdict === "inconclusive"],
    ["decision none", { decision: "none" }, (s) => !s.outcome],
    ["decision any", { decision: "any" }, (s) => Boolean(s.outcome)],
    ...DECISION_OUTCOMES.map((o): [string, Record<string, string>, (s: Seed) => boolean] => [`decision ${o}`, { decision: o }, (s) => s.outcome === o]),
    ["score range", { score_min: "50", score_max: "90" }, (s) => s.score !== null && s.score >= 50 && s.score <= 90],
    ["score min only", { score_min: "77.25" }, (s) => s.score !== null && s.score >= 77.25],
    ["source", { source: "api" }, (s) => s.source === "api"],
    ["submitter by email, any case", { submitter: "alice@example.TEST" }, (s) => s.submitter === "a"],
    ["policy", { policy: "strict" }, (s) => s.policy === "strict"],
    ["date range, both ends inclusive", { from: "2026-02-11", to: "2026-03-12" }, (s) => s.at.slice(0, 10) >= "2026-02-11" && s.at.slice(0, 10) <= "2026-03-12"],
    ["combined", { source: "upload", verdict: "ai_generated,inconclusive", score_min: "20" }, (s) => s.source === "upload" && (s.verdict === "ai_generated" || s.verdict === "inconclusive") && s.score! >= 20],
  ];

  it.each(FILTERS)("filter %s returns exactly the matching cases", async (_name, raw, match) => {
    const expected = expectedOrder(seeds.filter(match), "risk");
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.length).toBeLessThan(seeds.length);
    const { forward } = await walk(params(raw), 11);
    expect(forward.flat()).toEqual(expected);
  });

  it("filters by submitter user id", async () => {
    const { forward } = await walk(params({ submitter: userIds.b }), 50);
    expect(forward.flat().sort()).toEqual(seeds.filter((s) => s.submitter === "b").map((s) => s.id).sort());
  });

  const SEARCHES: [string, (s: Seed) => string, (q: string, s: Seed) => boolean][] = [
    ["file name (start, any case)", () => "SUNSET", (_q, s) => s.filename.startsWith("sunset")],
    ["file name with LIKE wildcards taken literally", () => "portrait_100%-1", (_q, s) => s.filename.startsWith("Portrait_100%-1")],
    ["external_ref", () => "ref-1", (_q, s) => s.externalRef?.startsWith("ref-1") ?? false],
    ["sha256 prefix", (s) => s.sha256.slice(0, 4), (q, s) => s.sha256.startsWith(q)],
    ["full sha256", (s) => s.sha256, (q, s) => s.sha256 === q],
    ["case id", (s) => s.id, (q, s) => s.id === q],
  ];

  it.each(SEARCHES)("search by %s", async (_name, query, match) => {
    const q = query(seeds[17]!);
    const expected = seeds.filter((s) => match(q, s)).map((s) => s.id).sort();
    expect(expected.length).toBeGreaterThan(0);
    const { forward } = await walk(params({ q, sort: "newest" }), 50);
    expect(forward.flat().sort()).toEqual(expected);
  });

  it("counts per state follow every filter but the state filter", async () => {
    const db = shared.t().db;
    const views: Record<string, string>[] = [{}, { source: "api", score_min: "20" }, { state: "cleared", q: "dog" }, { decision: "authentic" }];
    for (const raw of views) {
      const p = params(raw);
      const counts = await countQueueStates(db, p);
      const { state: _ignored, ...rest } = raw;
      const matching = new Set((await walk(params(rest), 200)).forward.flat());
      expect(counts.unit).toBe("cases");
      expect(counts.all).toBe(matching.size);
      for (const state of CASE_STATES) {
        expect({ raw, state, n: counts.byState[state] }).toEqual({ raw, state, n: seeds.filter((s) => s.state === state && matching.has(s.id)).length });
      }
    }
  });

  it("grouped, counts groups: per state the rows that state's grouped view lists, and in all the groups over every state", async () => {
    const db = shared.t().db;
    const views: Record<string, string>[] = [{}, { source: "api" }, { state: "cleared", sort: "newest" }, { decision: "none", sort: "size_large" }];
    const groupsOf = (ids: Iterable<string>) => new Set([...ids].map((id) => seeds.find((s) => s.id === id)!.group)).size;
    for (const raw of views) {
      const counts = await countQueueStates(db, params({ ...raw, group: "1" }));
      const { state: _ignored, ...rest } = raw;
      const matching = new Set((await walk(params(rest), 200)).forward.flat());
      expect(counts.unit).toBe("groups");
      expect({ raw, all: counts.all }).toEqual({ raw, all: groupsOf(matching) });
      // The groups spread over several states count in each, once in all.
      expect(counts.all).toBeLessThan(Object.values(counts.byState).reduce((a, b) => a + b, 0));
      expect(counts.all).toBe((await walk(params({ ...rest, group: "1" }), 200)).forward.flat().length);
      for (const state of CASE_STATES) {
        const listed = (await walk(params({ ...rest, state, group: "1" }), 200)).forward.flat().length;
        expect({ raw, state, n: counts.byState[state] }).toEqual({ raw, state, n: listed });
        expect(listed).toBe(groupsOf(seeds.filter((s) => s.state === state && matching.has(s.id)).map((s) => s.id)));
      }
    }
  });

  it("shows the latest decision with its reviewer, and marks an undecided case of a decided image", async () => {
    const db = shared.t().db;
    const decided = seeds.find((s) => s.outcome)!;
    // A second, undecided case of the same image as a decided one.
    const twinId = newId("case");
    const [policy] = await db.select().from(policies).limit(1);
    await db.insert(cases).values({ id: twinId, imageId: decided.imageId, imageSizeBytes: decided.size, duplicateGroup: decided.imageId, source: "api", policyId: policy!.id, state: "quarantined", filename: "zz-twin-only.png" });
    const page = await listQueue(db, params({ q: decided.sha256 }));
    const own = page.items.find((r) => r.id === decided.id)!;
    expect(own.decision).toMatchObject({ outcome: decided.outcome, reviewer: shared.actor().type === "user" ? (shared.actor() as { email: string }).email : "" });
    expect(own.duplicateOf).toBeNull();
    const twin = page.items.find((r) => r.id === twinId)!;
    expect(twin.decision).toBeNull();
    expect(twin.duplicateOf).toEqual({ caseId: decided.id, outcome: decided.outcome });
  });

  it("refuses cursors it did not write, or wrote for another sort, with invalid_request", async () => {
    const db = shared.t().db;
    const first = await listQueue(db, params({ sort: "score_high", limit: "5" }));
    expect(decodeQueueCursor(first.nextCursor!, "score_high")).not.toBeNull();
    const bad = [
      "nope",
      Buffer.from(`${Buffer.from(first.nextCursor!, "base64url").toString("utf8")}|extra`).toString("base64url"),
      Buffer.from(Buffer.from(first.nextCursor!, "base64url").toString("utf8").replace(/^q1/, "q2")).toString("base64url"),
      encodeQueueCursor({ sort: "score_high", key: "1; drop table cases", at: "2026-01-01T00:00:00.000000Z", id: "case_abc" }),
      encodeQueueCursor({ sort: "score_high", key: "5", at: "+275760-09-13T00:00:00.000000Z", id: "case_abc" }),
    ];
    for (const cursor of bad) await expect(listQueue(db, params({ sort: "score_high", after: cursor }))).rejects.toMatchObject({ code: "invalid_request", param: "after" });
    await expect(listQueue(db, params({ sort: "newest", before: first.nextCursor! }))).rejects.toMatchObject({ code: "invalid_request", param: "before" });
  });
});

describe("queue params", () => {
  it.each([
    [{ state: "lost" }, "state"],
    [{ verdict: "maybe" }, "verdict"],
    [{ decision: "yes" }, "decision"],
    [{ score_min: "abc" }, "score_min"],
    [{ score_max: "101" }, "score_max"],
    [{ score_min: "80", score_max: "20" }, "score_min"],
    [{ source: "fax" }, "source"],
    [{ from: "2026-02-30" }, "from"],
    [{ from: "yesterday" }, "from"],
    [{ from: "2026-03-01", to: "2026-02-01" }, "from"],
    [{ sort: "random" }, "sort"],
    [{ limit: "0" }, "limit"],
    [{ after: "x", before: "y" }, "before"],
    [{ q: "a\u0000b" }, "q"],
  ])("refuses %j naming %s", (raw, param) => {
    const r = parseQueueParams(raw);
    expect(r.ok).toBe(false);
    if (!r.ok) expect({ param: r.param, starts: r.message.startsWith(`${param}: `) }).toEqual({ param, starts: true });
  });

  it("treats blank fields as no filter and takes the last of repeated params", () => {
    const r = parseQueueParams({ state: "", q: " cat ", score_min: "", sort: ["newest", "oldest"] });
    expect(r).toEqual({ ok: true, params: { q: "cat", sort: "oldest" } });
  });
});
