import { apiRoute, otherMethods } from "@/lib/api/route";
import { caseDetailDto, deletedCaseDto } from "@/lib/api/dto";
import { getCaseDetail } from "@/lib/cases/queries";
import { deleteCase } from "@/lib/cases/delete-case";
import { AppError } from "@/lib/errors";

export const dynamic = "force-dynamic";

export const GET = apiRoute<{ id: string }>({ permission: "viewQueue", scope: "cases:read" }, async (_req, { db, params }) => {
  const detail = await getCaseDetail(db, params.id);
  if (!detail) throw new AppError("not_found", "Case not found.");
  return caseDetailDto(detail);
});

/**
 * Delete a case's image bytes, heatmaps and derivatives (admins, or the API key that submitted it).
 * The case answers 404 from then on; an audit row keeps its hashes.
 */
export const DELETE = apiRoute<{ id: string }>({ permission: "submit", scope: "cases:write" }, async (_req, { db, actor, requestId, params }) => {
  const result = await deleteCase({ ctx: { db, actor, requestId }, input: { caseId: params.id } });
  return deletedCaseDto(result);
});

/** The methods this path does not take: a JSON 405 naming the ones it does. */
export const { POST, PUT, PATCH } = otherMethods(["GET", "DELETE"]);
