// Read helpers for jobs. They take `db | tx` explicitly.
import { and, eq, isNull } from "drizzle-orm";
import type { DbOrTx } from "../../db";
import { cases, detections, jobs } from "../../db/schema";

/** A job with its case and the detection of the job's scan; null when unknown or its case was deleted. */
export async function getJob(db: DbOrTx, id: string) {
  const [row] = await db
    .select({ job: jobs, case: cases })
    .from(jobs)
    .innerJoin(cases, eq(cases.id, jobs.caseId))
    .where(and(eq(jobs.id, id), isNull(cases.deletedAt)));
  if (!row) return null;
  const [detection] = await db
    .select()
    .from(detections)
    .where(and(eq(detections.caseId, row.case.id), eq(detections.scan, row.job.scan)))
    .limit(1);
  return { ...row, detection: detection ?? null };
}
