import { apiRoute } from "@/lib/api/route";
import { caseDetailDto } from "@/lib/api/dto";
import { PERMISSIONS } from "@/lib/auth/roles";
import { getCaseDetail } from "@/lib/cases/queries";
import { AppError } from "@/lib/errors";

export const dynamic = "force-dynamic";

export const GET = apiRoute<{ id: string }>(PERMISSIONS.viewQueue, async (_req, { db, params }) => {
  const detail = await getCaseDetail(db, params.id);
  if (!detail) throw new AppError("not_found", "Case not found.");
  return caseDetailDto(detail);
});
