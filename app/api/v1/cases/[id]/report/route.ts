import { apiRoute, otherMethods } from "@/lib/api/route";
import { caseReport } from "@/lib/cases/case-report";
import { getCaseDetail } from "@/lib/cases/queries";
import { AppError } from "@/lib/errors";

export const dynamic = "force-dynamic";

/** The case's evidence report as JSON: image, maps, signals, provenance, hashes, decisions and history. */
export const GET = apiRoute<{ id: string }>({ permission: "viewQueue", scope: "cases:read" }, async (_req, { db, params }) => {
  const detail = await getCaseDetail(db, params.id);
  if (!detail) throw new AppError("not_found", "Case not found.");
  return caseReport(detail);
});

/** The methods this path does not take: a JSON 405 naming the ones it does. */
export const { POST, PUT, PATCH, DELETE } = otherMethods(["GET"]);
