// Database loss is a 503 with Retry-After, never an empty 500; the database kind is reported when up; a full disk is a 503 too.
import { describe, expect, it } from "vitest";
import { openDb } from "../db";
import { isDatabaseUnavailable, isStorageFull, normaliseError, STORAGE_FULL_MESSAGE } from "./errors";
import { healthReport } from "./health";
import { createPgliteTestDb } from "./testing/test-db";

// Nothing listens on port 1: connecting is refused at once, as when PostgreSQL is down.
const DOWN = "postgres://postgres@127.0.0.1:1/loupe";

describe("health and database loss", () => {
  it("answers 503 database down when PostgreSQL cannot be reached, and maps the error to service_unavailable", async () => {
    let caught: unknown;
    const report = await healthReport(async () => {
      try {
        return await openDb({ url: DOWN });
      } catch (err) {
        caught = err;
        throw err;
      }
    });
    expect(report).toMatchObject({ status: 503, headers: { "retry-after": "5" }, body: { status: "unavailable", database: "down" } });
    expect(isDatabaseUnavailable(caught)).toBe(true);
    expect(normaliseError(caught)).toMatchObject({ code: "service_unavailable", status: 503 });
  });

  it("answers 200 with the database kind when it is up", async () => {
    const t = await createPgliteTestDb();
    try {
      const report = await healthReport(async () => t);
      expect(report.status).toBe(200);
      expect(report.body).toMatchObject({ status: "ok", database: "pglite" });
    } finally {
      await t.cleanup();
    }
  });

  it("does not mistake a refused query for a lost database", () => {
    expect(isDatabaseUnavailable(Object.assign(new Error("duplicate key"), { code: "23505" }))).toBe(false);
    expect(isDatabaseUnavailable(Object.assign(new Error("terminating connection due to administrator command"), { code: "57P01" }))).toBe(true);
  });
});

describe("a full disk", () => {
  it("is a 503 service_unavailable saying nothing was stored, wherever it surfaces", () => {
    const pglite = Object.assign(new Error('could not extend file "base/5/16957_fsm": No space left on device'), { code: "53100" });
    const wrapped = new Error("Failed query: insert into images …", { cause: pglite });
    const blob = Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC" });
    for (const err of [pglite, wrapped, blob, new AggregateError([blob]), Object.assign(new Error("quota"), { code: "EDQUOT" })]) {
      expect(isStorageFull(err)).toBe(true);
      expect(normaliseError(err)).toMatchObject({ code: "service_unavailable", status: 503, message: STORAGE_FULL_MESSAGE });
    }
    expect(isStorageFull(Object.assign(new Error("duplicate key"), { code: "23505" }))).toBe(false);
    expect(normaliseError(new Error("boom")).code).toBe("internal_error");
  });
});
