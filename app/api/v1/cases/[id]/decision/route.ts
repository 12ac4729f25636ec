import { apiRoute, otherMethods, parseOrThrow } from "@/lib/api/route";
import { caseDetailDto } from "@/lib/api/dto";
import { readJsonLimited } from "@/lib/api/read-body";
import { decideCase } from "@/lib/cases/decide-case";
import { getCaseDetail } from "@/lib/cases/queries";
import { decisionBody } from "../../cases.validation";

export const dynamic = "force-dynamic";

export const POST = apiRoute<{ id: string }>({ permission: "decide", scope: "cases:write" }, async (req, { db, actor, params, requestId }) => {
  const body = parseOrThrow(decisionBody, await readJsonLimited(req));
  await decideCase({ ctx: { db, actor, requestId }, input: { caseId: params.id, outcome: body.outcome, note: body.note ?? "" } });
  return caseDetailDto((await getCaseDetail(db, params.id))!);
});

/** The methods this path does not take: a JSON 405 naming the ones it does. */
export const { GET, PUT, PATCH, DELETE } = otherMethods(["POST"]);
