import { apiRoute, otherMethods, parseOrThrow } from "@/lib/api/route";
import { createdJobDto } from "@/lib/api/dto";
import { readImageUpload } from "@/lib/api/read-image-upload";
import { createJob } from "@/lib/jobs/create-job";
import { asyncJobFields } from "./async.validation";

export const dynamic = "force-dynamic";

/**
 * Submit an image for asynchronous detection: multipart/form-data with an `image` (or `file`) part
 * and optional `webhook_url`, `metadata` (a JSON object, ≤ 4 kB), `external_ref`, `policy`; or the
 * raw image bytes as the body with those fields in the query string. Answers 202 with the job; poll
 * GET /api/v1/jobs/{id} or wait for the webhook. With `webhook_url`, the answer carries the endpoint's
 * signing secret, once.
 */
export const POST = apiRoute({ permission: "submit", scope: "detect", images: 1 }, async (req, { db, actor, requestId, chargeImages }) => {
  const { bytes, filename, fields } = await readImageUpload(req, ["image", "file"]);
  const f = parseOrThrow(asyncJobFields, fields);
  await chargeImages(1);
  const created = await createJob({
    ctx: { db, actor, requestId },
    input: { bytes, filename: f.filename ?? filename, policyName: f.policy, externalRef: f.external_ref, webhookUrl: f.webhook_url, metadata: f.metadata },
  });
  return Response.json(createdJobDto(created, f.webhook_url), { status: 202, headers: { location: `/api/v1/jobs/${created.job.id}` } });
});

/** The methods this path does not take: a JSON 405 naming the ones it does. */
export const { GET, PUT, PATCH, DELETE } = otherMethods(["POST"]);
