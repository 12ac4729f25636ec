// A job's status, derived from its case (the job has no state column: the case's worker-driven
// life-cycle is the one source of truth).
import type { Case, Detection, Job } from "../../db/schema";

export const JOB_STATUSES = ["queued", "running", "completed", "failed"] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

/**
 * `detection` is the case's detection of the job's scan, if any. A completed scan stays completed
 * whatever happens to the case later (a decision, a rescan); a rescan before the job's scan produced
 * a detection means that scan gave up.
 */
export function jobStatus(job: Pick<Job, "scan">, c: Pick<Case, "state" | "scan">, detection: Pick<Detection, "scan"> | null): JobStatus {
  if (detection && detection.scan === job.scan) return "completed";
  if (c.scan !== job.scan) return "failed";
  switch (c.state) {
    case "pending_scan":
      return "queued";
    case "scanning":
    case "retry_pending":
      return "running";
    default:
      // manual_review (or a state reached from it) without a detection: the scan gave up.
      return "failed";
  }
}
