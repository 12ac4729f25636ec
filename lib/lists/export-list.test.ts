// Downloading an image list (lib/lists/export-list.ts), on PGlite and PostgreSQL: sha256 lines that
// import back as they are (across pages of entries), a CSV with the difference hashes and defused text,
// the audit row, and who may.
import { createHash, randomBytes } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { auditEvents } from "../../db/schema";
import { makeJpeg, parseCsv } from "../detection/testing";
import { appErrorOf } from "../testing/app-error";
import { useSharedTestDb } from "../testing/shared-test-db";
import { insertTestUser, TEST_DB_KINDS } from "../testing/test-db";
import { exportImageList, LIST_EXPORT_COLUMNS } from "./export-list";
import { addFilesToList, addHashesToList, createList } from "./manage-lists";

describe.each(TEST_DB_KINDS)("image list export on %s", (kind) => {
  const shared = useSharedTestDb(kind, "admin");
  const ctx = () => ({ db: shared.t().db, actor: shared.actor() });
  const read = async (listId: string, format: "sha256" | "csv") => new Response((await exportImageList({ ctx: ctx(), input: { listId, format, now: new Date("2026-12-07T21:50:00Z") } })).body).text();

  it("writes sha256 lines that import back whole, past a page of entries", async () => {
    const list = await createList({ ctx: ctx(), input: { name: "Partner bank", action: "quarantine" } });
    const hashes = Array.from({ length: 2300 }, () => randomBytes(32).toString("hex"));
    await addHashesToList({ ctx: ctx(), input: { listId: list.id, hashes } });
    const jpeg = await makeJpeg({ width: 160, height: 120, seed: 5501 });
    await addFilesToList({ ctx: ctx(), input: { listId: list.id, files: [{ name: "flyer.jpg", bytes: jpeg }] } });

    const out = await exportImageList({ ctx: ctx(), input: { listId: list.id, format: "sha256", now: new Date("2026-12-07T21:50:00Z") } });
    expect(out).toMatchObject({ filename: "loupe-list-partner-bank-2026-12-07.sha256", contentType: "text/plain; charset=utf-8" });
    const text = await new Response(out.body).text();
    const lines = text.trimEnd().split("\n");
    expect(lines[0]).toBe("# Loupe image list “Partner bank”: a match quarantines; 2301 entries, exported 2026-12-07T21:50:00.000Z");
    const body = lines.filter((l) => !l.startsWith("#"));
    expect(body).toHaveLength(2301);
    // Newest first: the file came last; sha256sum's two spaces before its name.
    expect(body[0]).toBe(`${createHash("sha256").update(jpeg).digest("hex")}  flyer.jpg`);
    expect(new Set(body.slice(1))).toEqual(new Set(hashes));

    // Back in, as the Lists page's import takes it: every hash is already there.
    const again = await addHashesToList({ ctx: ctx(), input: { listId: list.id, hashes: text } });
    expect([again.added, again.alreadyListed]).toEqual([0, 2301]);
    const audit = await shared.t().db.select().from(auditEvents).where(and(eq(auditEvents.action, "list.exported"), eq(auditEvents.targetId, list.id)));
    expect(audit.map((a) => a.data)).toEqual([{ name: "Partner bank", format: "sha256", entries: 2301 }]);
  });

  it("writes a CSV with every field, the difference hashes, and text a spreadsheet will not run", async () => {
    const list = await createList({ ctx: ctx(), input: { name: "Our photos", action: "clear" } });
    const jpeg = await makeJpeg({ width: 160, height: 120, seed: 5502 });
    await addFilesToList({ ctx: ctx(), input: { listId: list.id, files: [{ name: "=cmd.jpg", bytes: jpeg }], note: "press, \"cleared\"" } });
    await addHashesToList({ ctx: ctx(), input: { listId: list.id, hashes: "ab".repeat(32) } });
    const [header, ...rows] = parseCsv(await read(list.id, "csv"));
    expect(header).toEqual([...LIST_EXPORT_COLUMNS]);
    const byHash = new Map(rows.map((r) => [r[0], Object.fromEntries(LIST_EXPORT_COLUMNS.map((c, i) => [c, r[i]]))]));
    expect(byHash.get(createHash("sha256").update(jpeg).digest("hex"))).toMatchObject({
      dhash: expect.stringMatching(/^[0-9a-f]{16}$/),
      near_duplicates: "yes",
      file_name: "'=cmd.jpg",
      note: 'press, "cleared"',
      added_by: (shared.actor() as { email: string }).email,
    });
    expect(byHash.get("ab".repeat(32))).toMatchObject({ dhash: "", near_duplicates: "no", file_name: "" });
  });

  it("is for admins, and names a list that is not there", async () => {
    const list = await createList({ ctx: ctx(), input: { name: "Admins only", action: "clear" } });
    const moderator = await insertTestUser(shared.t().db, "moderator");
    expect((await appErrorOf(exportImageList({ ctx: { db: shared.t().db, actor: moderator }, input: { listId: list.id, format: "sha256" } }))).code).toBe("forbidden");
    expect((await appErrorOf(exportImageList({ ctx: ctx(), input: { listId: "lst_missing", format: "sha256" } }))).code).toBe("not_found");
    expect((await read(list.id, "sha256")).split("\n").filter((l) => l && !l.startsWith("#"))).toEqual([]);
  });
});
