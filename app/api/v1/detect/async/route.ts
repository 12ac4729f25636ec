import { apiRoute, otherMethods, parseOrThrow } from "@/lib/api/route";
import { jobDto } from "@/lib/api/dto";
import { readBodyLimited, readFormLimited } from "@/lib/api/read-body";
import { createJob } from "@/lib/jobs/create-job";
import { MAX_REQUEST_BYTES } from "@/lib/limits";
import { AppError } from "@/lib/errors";
import { asyncJobFields } from "./async.validation";

export const dynamic = "force-dynamic";

/**
 * Submit an image for asynchronous detection: multipart/form-data with an `image` (or `file`) part
 * and optional `webhook_url`, `metadata` (a JSON object, ≤ 4 kB), `external_ref`, `policy`; or the
 * raw image bytes as the body with those fields in the query string. Answers 202 with the job; poll
 * GET /api/v1/jobs/{id} or wait for the webhook. With `webhook_url`, the answer carries the endpoint's
 * signing secret, once.
 */
export const POST = apiRoute({ permission: "submit", scope: "detect" }, async (req, { db, actor, requestId, chargeImages }) => {
  const type = req.headers.get("content-type") ?? "";
  let bytes: Buffer;
  let filename = "";
  let fields: Record<string, unknown>;
  if (type.startsWith("multipart/form-data")) {
    const form = await readFormLimited(req, MAX_REQUEST_BYTES);
    const file = form.get("image") ?? form.get("file");
    if (!(file instanceof File)) throw new AppError("invalid_request", "Send the image in an `image` (or `file`) part.", { param: "image" });
    bytes = Buffer.from(await file.arrayBuffer());
    filename = file.name;
    fields = Object.fromEntries([...form.entries()].filter(([, v]) => typeof v === "string"));
  } else {
    bytes = await readBodyLimited(req, MAX_REQUEST_BYTES);
    fields = Object.fromEntries(new URL(req.url).searchParams);
    filename = typeof fields.filename === "string" ? fields.filename : "";
  }
  const f = parseOrThrow(asyncJobFields, fields);
  await chargeImages(1);
  const created = await createJob({
    ctx: { db, actor, requestId },
    input: { bytes, filename: f.filename ?? filename, policyName: f.policy, externalRef: f.external_ref, webhookUrl: f.webhook_url, metadata: f.metadata },
  });
  const body = {
    ...jobDto(created.job, created.case, { detection: null }),
    webhook: created.webhookSecret ? { url: f.webhook_url, secret: created.webhookSecret } : null,
  };
  return Response.json(body, { status: 202, headers: { location: `/api/v1/jobs/${created.job.id}` } });
});

/** The methods this path does not take: a JSON 405 naming the ones it does. */
export const { GET, PUT, PATCH, DELETE } = otherMethods(["POST"]);
