// Paging through the case list sees every case exactly once, also when many were created within the
// same millisecond or the same microsecond (bursts of uploads), at any page size.
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { cases, images, policies } from "../../db/schema";
import { newId } from "../ids";
import { useSharedTestDb } from "../testing/shared-test-db";
import { TEST_DB_KINDS } from "../testing/test-db";
import { decodeCursor, encodeCursor, listCases } from "./queries";

describe.each(TEST_DB_KINDS)("case list pagination on %s", (kind) => {
  const shared = useSharedTestDb(kind);

  it("pages through 1 000 cases created in bursts at limits 1, 3, 7 and 50, each seen exactly once", async () => {
    const db = shared.t().db;
    const [policy] = await db.select().from(policies);
    const imageId = newId("image");
    await db.insert(images).values({ id: imageId, sha256: "0".repeat(64), mime: "image/png", format: "png", sizeBytes: 1, width: 1, height: 1, storageKey: "x", phash: "0".repeat(16) });
    // 1 000 cases in 20 bursts of 50: within a burst, groups share one microsecond, and the burst
    // spans less than a millisecond.
    const rows = Array.from({ length: 1000 }, (_, i) => {
      const burst = Math.floor(i / 50);
      const micro = String(Math.floor((i % 50) / 5)).padStart(3, "0");
      return {
        id: newId("case"),
        imageId,
        imageSizeBytes: 1,
        duplicateGroup: imageId,
        source: "api" as const,
        policyId: policy!.id,
        createdAt: sql`${`2026-11-30T10:${String(burst).padStart(2, "0")}:00.123${micro}Z`}::timestamptz` as unknown as Date,
      };
    });
    for (let i = 0; i < rows.length; i += 250) await db.insert(cases).values(rows.slice(i, i + 250));
    const all = new Set(rows.map((r) => r.id));
    for (const limit of [1, 3, 7, 50]) {
      const seen: string[] = [];
      let cursor: string | undefined;
      for (;;) {
        const page = await listCases(db, { limit, cursor });
        seen.push(...page.items.map((r) => r.case.id));
        if (!page.nextCursor) break;
        cursor = page.nextCursor;
      }
      expect({ limit, n: seen.length, distinct: new Set(seen).size }).toEqual({ limit, n: 1000, distinct: 1000 });
      expect(seen.every((id) => all.has(id))).toBe(true);
    }
  });

  it("refuses a cursor it did not write with invalid_request, never a database error", async () => {
    const db = shared.t().db;
    for (const bad of ["nope", "MjAyNnw=", encodeCursor({ at: "+275760-09-13T00:00:00.000000Z", id: "case_x" }), Buffer.from("2026-01-01T00:00:00.000000Z|case_a\u0000").toString("base64url")]) {
      await expect(listCases(db, { cursor: bad })).rejects.toMatchObject({ code: "invalid_request", param: "cursor" });
    }
    expect(decodeCursor(encodeCursor({ at: "2026-01-01T00:00:00.000001Z", id: "case_abc" }))).toEqual({ at: "2026-01-01T00:00:00.000001Z", id: "case_abc" });
  });
});
