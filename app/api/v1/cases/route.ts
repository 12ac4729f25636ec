import { apiRoute, otherMethods, parseOrThrow } from "@/lib/api/route";
import { caseListDto, createdCaseDto } from "@/lib/api/dto";
import { listCases } from "@/lib/cases/queries";
import { submitImage } from "@/lib/cases/submit-image";
import { readImageUpload } from "@/lib/api/read-image-upload";
import { createCaseFields, listCasesQuery } from "./cases.validation";

export const dynamic = "force-dynamic";

export const GET = apiRoute({ permission: "viewQueue", scope: "cases:read" }, async (req, { db }) => {
  const q = parseOrThrow(listCasesQuery, Object.fromEntries(new URL(req.url).searchParams));
  const page = await listCases(db, { states: q.state, externalRef: q.external_ref, limit: q.limit, cursor: q.cursor });
  return caseListDto(page);
});

/**
 * Submit an image: multipart/form-data with a `file` part (plus optional `policy`, `external_ref`),
 * or the raw image bytes as the body with any image content type. Answers 202: scanning is async.
 * The console's upload page sends here too (with the session cookie), for real upload progress.
 */
export const POST = apiRoute({ permission: "submit", scope: "cases:write", images: 1 }, async (req, { db, actor, apiKey, requestId, chargeImages }) => {
  const { bytes, filename, fields } = await readImageUpload(req, ["file"]);
  const f = parseOrThrow(createCaseFields, fields);
  // One image against the key's monthly quota, once the request is known to be well-formed.
  await chargeImages(1);
  const result = await submitImage({
    ctx: { db, actor, requestId },
    // A signed-in user sending from the console's upload page (session, no key) uploads; a key is the API.
    input: { bytes, filename, source: apiKey ? "api" : "upload", policyName: f.policy, externalRef: f.external_ref },
  });
  return Response.json(createdCaseDto(result), { status: 202 });
});

/** The methods this path does not take: a JSON 405 naming the ones it does. */
export const { PUT, PATCH, DELETE } = otherMethods(["GET", "POST"]);
