// The queue export: CSV fields as RFC 4180 and OWASP's CSV-injection advice want them, and on both
// databases every case of the view once (paged small), the latest decision in force with its note, the
// view's filters, deleted cases left out, JSON Lines with the same keys, the audit row and the role.
import { eq, sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { auditEvents, cases, decisions, images, policies, users } from "../../db/schema";
import { newId } from "../ids";
import { useSharedTestDb } from "../testing/shared-test-db";
import { insertTestUser, TEST_DB_KINDS } from "../testing/test-db";
import { exportCases, exportPage } from "./export-cases";
import { csvField, csvLine, EXPORT_COLUMNS, type ExportFormat } from "./export-format";
import { parseQueueParams, type QueueParams } from "./queue-params";
import { parseCsv as parseCsvRecords } from "../detection/testing";

/** The export's records, each ended by CRLF (a line break inside a quoted field is the field's own). */
function parseCsv(text: string): string[][] {
  const records = parseCsvRecords(text);
  expect(text.endsWith("\r\n")).toBe(true);
  expect(text.split("\r\n")).toHaveLength(records.length + 1);
  return records;
}

function params(raw: Record<string, string>): QueueParams {
  const r = parseQueueParams(raw);
  if (!r.ok) throw new Error(r.message);
  return r.params;
}

describe("CSV fields", () => {
  it("quotes only what needs it, and doubles quotes", () => {
    expect(csvField("plain.jpg")).toBe("plain.jpg");
    expect(csvField("a,b.jpg")).toBe('"a,b.jpg"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField("two\nlines")).toBe('"two\nlines"');
    expect(csvField("cr\rhere")).toBe('"cr\rhere"');
    expect(csvField(null)).toBe("");
    expect(csvField(77.25)).toBe("77.25");
    expect(csvField(0)).toBe("0");
  });

  it("keeps a spreadsheet from running a cell as a formula", () => {
    for (const start of ["=", "+", "-", "@", "\t"]) expect(csvField(`${start}HYPERLINK("http://x")`)).toMatch(/^"?'/);
    expect(csvField('=HYPERLINK("http://evil")')).toBe(`"'=HYPERLINK(""http://evil"")"`);
    expect(csvField("-1")).toBe("'-1");
    expect(csvField("\rx")).toBe(`"'\rx"`);
    // Numbers are numbers: a negative one is not text to defuse.
    expect(csvField(-1)).toBe("-1");
    expect(csvField("a=b")).toBe("a=b");
  });

  it("ends records with CRLF", () => {
    expect(csvLine(["a", 1, null])).toBe("a,1,\r\n");
  });
});

describe.each(TEST_DB_KINDS)("case export on %s", (kind) => {
  const shared = useSharedTestDb(kind, "moderator");
  const ids: string[] = [];
  const base = "https://loupe.example.test";
  const at = (i: number) => `2026-03-0${1 + (i % 5)}T08:00:00.00000${i % 3}Z`;
  let reviewerEmail = "";

  beforeAll(async () => {
    const db = shared.t().db;
    const [def] = await db.select().from(policies);
    const actor = shared.actor();
    if (actor.type !== "user") throw new Error("expected a user actor");
    reviewerEmail = (await db.select({ email: users.email }).from(users).where(eq(users.id, actor.id)))[0]!.email;
    const names = ["cat.jpg", '=HYPERLINK("http://evil")', "dog, barking.png", "plain.png", "née.jpg", "x.jpg", "y.jpg", "z.jpg"];
    for (const [i, filename] of names.entries()) {
      const imageId = newId("image");
      const id = newId("case");
      ids.push(id);
      await db.insert(images).values({ id: imageId, sha256: `${i}`.padStart(64, "c"), mime: "image/png", format: "png", sizeBytes: 1000 + i, width: 10 + i, height: 20 + i, storageKey: "x", phash: "0".repeat(16) });
      await db.insert(cases).values({
        id,
        imageId,
        imageSizeBytes: 1000 + i,
        duplicateGroup: imageId,
        source: i % 2 ? "api" : "upload",
        submitterId: actor.id,
        filename,
        externalRef: i === 3 ? "ref-3" : null,
        state: i < 3 ? "reviewed" : i < 5 ? "quarantined" : "cleared",
        verdict: i < 5 ? "ai_generated" : "likely_authentic",
        score: i < 5 ? 90 - i : 10 + i,
        confidence: 0.5,
        policyId: def!.id,
        createdAt: sql`${at(i)}::timestamptz` as unknown as Date,
        scannedAt: new Date("2026-03-10T00:00:00Z"),
        reviewedAt: i < 3 ? new Date("2026-03-11T00:00:00Z") : null,
        // The last one is deleted: gone from every list, and from the export.
        deletedAt: i === names.length - 1 ? new Date() : null,
      });
    }
    // Case 0: an older decision, then the one in force (with a note that needs quoting).
    // Case 1: a decision that was undone (it does not count), then the one in force.
    // Case 2: only an undone decision.
    await db.insert(decisions).values([
      { id: newId("decision"), caseId: ids[0]!, reviewerId: actor.id, outcome: "needs_more_info", createdAt: new Date("2026-03-11T00:00:00Z") },
      { id: newId("decision"), caseId: ids[0]!, reviewerId: actor.id, outcome: "confirmed_ai", note: 'seen before, "campaign 7"\nsecond line', createdAt: new Date("2026-03-12T00:00:00Z") },
      { id: newId("decision"), caseId: ids[1]!, reviewerId: actor.id, outcome: "authentic", createdAt: new Date("2026-03-11T00:00:00Z") },
      { id: newId("decision"), caseId: ids[1]!, reviewerId: actor.id, outcome: "confirmed_ai", createdAt: new Date("2026-03-12T00:00:00Z"), undoneAt: new Date("2026-03-12T00:00:05Z") },
      { id: newId("decision"), caseId: ids[2]!, reviewerId: actor.id, outcome: "authentic", createdAt: new Date("2026-03-12T00:00:00Z"), undoneAt: new Date("2026-03-12T00:00:05Z") },
    ]);
  });

  /** Every live case, newest first by (created_at, id): the export's order. */
  const expectedOrder = () =>
    ids
      .slice(0, -1)
      .map((id, i) => ({ id, at: at(i) }))
      .sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : a.id < b.id ? 1 : -1))
      .map((c) => c.id);

  async function download(raw: Record<string, string>, format: ExportFormat = "csv"): Promise<string> {
    const out = await exportCases({ ctx: { db: shared.t().db, actor: shared.actor() }, input: { params: params(raw), format, baseUrl: base, now: new Date("2026-12-07T20:41:00Z") } });
    expect(out.filename).toBe(`loupe-cases-20261207-2041.${format}`);
    return new Response(out.body).text();
  }

  it("pages through every case of the view once, newest first, whatever the page size", async () => {
    const db = shared.t().db;
    for (const limit of [1, 2, 3, 100]) {
      const seen: string[] = [];
      let page = await exportPage(db, params({}), null, { baseUrl: base, limit });
      seen.push(...page.rows.map((r) => r.case_id as string));
      while (page.next) {
        page = await exportPage(db, params({}), page.next, { baseUrl: base, limit });
        seen.push(...page.rows.map((r) => r.case_id as string));
      }
      expect(seen).toEqual(expectedOrder());
    }
  });

  it("writes a CSV with a header, one record per case, decisions in force with their notes, and defused text", async () => {
    const records = parseCsv(await download({ sort: "score_high", group: "1", limit: "25" }));
    expect(records[0]).toEqual([...EXPORT_COLUMNS]);
    const rows = records.slice(1).map((r) => Object.fromEntries(EXPORT_COLUMNS.map((c, i) => [c, r[i]!])));
    // The sort, grouping and page size of the view on screen do not apply: every case, newest first.
    expect(rows.map((r) => r.case_id)).toEqual(expectedOrder());
    const byId = new Map(rows.map((r) => [r.case_id, r]));
    const first = byId.get(ids[0]!)!;
    expect(first).toMatchObject({ state: "reviewed", verdict: "ai_generated", score: "90", confidence: "0.5", file_name: "cat.jpg", source: "upload", submitter: reviewerEmail, policy: "default" });
    expect(first).toMatchObject({ format: "png", width: "10", height: "20", size_bytes: "1000", sha256: "0".padStart(64, "c"), scanned_at: "2026-03-10T00:00:00.000Z" });
    expect(first).toMatchObject({ decision: "confirmed_ai", decided_by: reviewerEmail, decided_at: "2026-03-12T00:00:00.000Z", decision_note: 'seen before, "campaign 7"\nsecond line' });
    // Milliseconds, like every other time in the file (the walk's cursor keeps the microseconds).
    expect(first.created_at).toBe(new Date(at(0)).toISOString());
    expect(first.case_url).toBe(`${base}/cases/${ids[0]}`);
    // An undone decision does not count; the one before it is in force.
    expect(byId.get(ids[1]!)).toMatchObject({ decision: "authentic", decision_note: "" });
    expect(byId.get(ids[2]!)).toMatchObject({ decision: "", decided_by: "", decided_at: "", decision_note: "" });
    expect(byId.get(ids[1]!)!.file_name).toBe(`'=HYPERLINK("http://evil")`);
    expect(byId.get(ids[2]!)!.file_name).toBe("dog, barking.png");
    expect(byId.get(ids[4]!)!.file_name).toBe("née.jpg");
    expect(byId.get(ids[3]!)!.external_ref).toBe("ref-3");
    expect(byId.has(ids[ids.length - 1]!)).toBe(false);
  });

  it("applies the view's filters and search", async () => {
    const pick = async (raw: Record<string, string>) => parseCsv(await download(raw)).slice(1).map((r) => r[0]);
    expect(await pick({ state: "quarantined" })).toEqual([ids[4], ids[3]]);
    expect(await pick({ state: "cleared,quarantined", source: "api" })).toEqual(expectedOrder().filter((id) => [ids[3], ids[5]].includes(id)));
    // Case 1's latest confirmed_ai was undone: its decision in force is authentic, for the filter too.
    expect(await pick({ decision: "confirmed_ai" })).toEqual([ids[0]]);
    expect(await pick({ decision: "authentic" })).toEqual([ids[1]]);
    expect(await pick({ q: "dog" })).toEqual([ids[2]]);
    expect(await pick({ q: "ref-3" })).toEqual([ids[3]]);
    expect(await pick({ score_min: "88" })).toEqual(expectedOrder().filter((id) => [ids[0], ids[1], ids[2]].includes(id)));
    expect(await pick({ from: "2026-03-05", to: "2026-03-05" })).toEqual([ids[4]]);
    expect(await pick({ q: "no-such-name" })).toEqual([]);
  });

  it("writes JSON Lines with the same keys, numbers as numbers and nulls as null", async () => {
    const text = await download({}, "jsonl");
    expect(text.endsWith("\n")).toBe(true);
    const rows = text.trimEnd().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(rows.map((r) => r.case_id)).toEqual(expectedOrder());
    for (const r of rows) expect(Object.keys(r)).toEqual([...EXPORT_COLUMNS]);
    const first = rows.find((r) => r.case_id === ids[0])!;
    expect(first).toMatchObject({ score: 90, width: 10, size_bytes: 1000, external_ref: null, decided_by_list: null, decision_note: 'seen before, "campaign 7"\nsecond line' });
    expect(rows.find((r) => r.case_id === ids[5])).toMatchObject({ decision: null, decision_note: null, file_name: "x.jpg" });
  });

  it("is audited with the view it exported", async () => {
    const db = shared.t().db;
    await download({ state: "quarantined", sort: "newest", q: "cat" }, "csv");
    const [row] = await db.select().from(auditEvents).where(eq(auditEvents.action, "cases.exported")).orderBy(sql`${auditEvents.createdAt} desc`).limit(1);
    expect(row!.actorId).toBe((shared.actor() as { id: string }).id);
    expect(row!.data).toEqual({ format: "csv", view: "?state=quarantined&q=cat" });
  });

  it("is for moderators and admins only", async () => {
    const db = shared.t().db;
    const editor = await insertTestUser(db, "editor");
    await expect(exportCases({ ctx: { db, actor: editor }, input: { params: params({}), format: "csv", baseUrl: base } })).rejects.toMatchObject({ code: "forbidden" });
    const admin = await insertTestUser(db, "admin");
    const out = await exportCases({ ctx: { db, actor: admin }, input: { params: params({}), format: "csv", baseUrl: base } });
    expect(parseCsv(await new Response(out.body).text())).toHaveLength(ids.length);
  });
});
