// The audit log page's query: each filter narrows, and paging sees each event exactly once.
import { describe, expect, it } from "vitest";
import { auditEvents } from "../../db/schema";
import { writeAudit } from "../audit";
import { newId } from "../ids";
import { useSharedTestDb } from "../testing/shared-test-db";
import { insertTestUser, TEST_DB_KINDS } from "../testing/test-db";
import { auditFilters, listAuditEvents } from "./queries";

describe.each(TEST_DB_KINDS)("audit log on %s", (kind) => {
  const shared = useSharedTestDb(kind, "admin");

  it("filters by action prefix, actor email or id, target and day; pages exactly", async () => {
    const db = shared.t().db;
    const admin = await insertTestUser(db, "admin");
    await writeAudit(db, admin, { action: "user.create", targetType: "user", targetId: "usr_target1" });
    await writeAudit(db, admin, { action: "user.password_reset", targetType: "user", targetId: "usr_target1" });
    await writeAudit(db, { type: "system" }, { action: "auth.lockout", targetType: "throttle", targetId: "account:x@example.test" });
    // A burst in one millisecond-ish, for the cursor.
    const at = new Date("2026-03-04T05:06:07.123Z");
    await db.insert(auditEvents).values(Array.from({ length: 7 }, (_, i) => ({ id: newId("event"), actorType: "worker", action: "case.transition", caseId: `case_burst${i}`, data: { i }, createdAt: at })));

    const all = async (f: Record<string, string>) => (await listAuditEvents(db, auditFilters.parse(f), 100)).items;
    expect((await all({ action: "user." })).map((e) => e.action).sort()).toEqual(["user.create", "user.password_reset"]);
    expect((await all({ action: "user.password" })).length).toBe(1);
    expect((await all({ actor: admin.email.toUpperCase() })).length).toBe(2);
    expect((await all({ actor: admin.id })).every((e) => e.actorLabel === admin.email)).toBe(true);
    expect((await all({ target: "usr_target1" })).length).toBe(2);
    expect((await all({ target: "case_burst3" })).map((e) => e.data)).toEqual([{ i: 3 }]);
    expect((await all({ from: "2026-03-04", to: "2026-03-04" })).length).toBe(7);
    expect((await all({ from: "2026-03-05", to: "2026-03-05" })).length).toBe(0);
    // A % in the action filter is a literal, not a wildcard.
    expect((await all({ action: "%" })).length).toBe(0);

    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await listAuditEvents(db, auditFilters.parse({ action: "case.", ...(cursor ? { cursor } : {}) }), 2);
      seen.push(...page.items.map((e) => e.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen.length).toBe(7);
    expect(new Set(seen).size).toBe(7);
  });

  it("refuses a made-up cursor, a bad date and control characters", async () => {
    const db = shared.t().db;
    await expect(listAuditEvents(db, auditFilters.parse({ cursor: "bm9wZQ" }))).rejects.toMatchObject({ code: "invalid_request", param: "cursor" });
    expect(auditFilters.safeParse({ from: "yesterday" }).success).toBe(false);
    expect(auditFilters.safeParse({ actor: "a\u0000b" }).success).toBe(false);
  });
});
