import { apiRoute, otherMethods } from "@/lib/api/route";
import { jobDto } from "@/lib/api/dto";
import { getJob } from "@/lib/jobs/queries";
import { AppError } from "@/lib/errors";

export const dynamic = "force-dynamic";

/** A job: queued, running, completed (with `result`) or failed (with `error`). 404 once its case was deleted. */
export const GET = apiRoute<{ id: string }>({ permission: "viewQueue", scope: "detect" }, async (_req, { db, params }) => {
  const found = await getJob(db, params.id);
  if (!found) throw new AppError("not_found", "Job not found.");
  return jobDto(found.job, found.case, { detection: found.detection });
});

/** The methods this path does not take: a JSON 405 naming the ones it does. */
export const { POST, PUT, PATCH, DELETE } = otherMethods(["GET"]);
