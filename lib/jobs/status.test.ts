import { describe, expect, it } from "vitest";
import type { CaseState } from "../../db/schema";
import { jobStatus, type JobStatus } from "./status";

describe("job status from its case", () => {
  const rows: { name: string; state: CaseState; caseScan: number; detectionScan: number | null; expected: JobStatus }[] = [
    { name: "waiting", state: "pending_scan", caseScan: 1, detectionScan: null, expected: "queued" },
    { name: "claimed", state: "scanning", caseScan: 1, detectionScan: null, expected: "running" },
    { name: "between attempts", state: "retry_pending", caseScan: 1, detectionScan: null, expected: "running" },
    { name: "scanned and quarantined", state: "quarantined", caseScan: 1, detectionScan: 1, expected: "completed" },
    { name: "scanned and cleared", state: "cleared", caseScan: 1, detectionScan: 1, expected: "completed" },
    { name: "scanned, then reviewed", state: "reviewed", caseScan: 1, detectionScan: 1, expected: "completed" },
    { name: "scanned, then rescanned", state: "pending_scan", caseScan: 2, detectionScan: 1, expected: "completed" },
    { name: "gave up", state: "manual_review", caseScan: 1, detectionScan: null, expected: "failed" },
    { name: "gave up, then reviewed", state: "reviewed", caseScan: 1, detectionScan: null, expected: "failed" },
    { name: "gave up, then rescanned", state: "scanning", caseScan: 2, detectionScan: null, expected: "failed" },
  ];
  it.each(rows)("$name → $expected", ({ state, caseScan, detectionScan, expected }) => {
    expect(jobStatus({ scan: 1 }, { state, scan: caseScan }, detectionScan === null ? null : { scan: detectionScan })).toBe(expected);
  });
});
