// An async detection job: the image becomes an ordinary case (source `api`, shown in the review queue
// like any API submission) scanned by the ordinary worker, plus a jobs row pointing at it and, with a
// `webhook_url`, an endpoint of its own whose secret is returned once. Case, job and endpoint commit
// together (submitImage's `within`), so the worker can never finish a scan whose job row is not there yet.
import { randomBytes } from "node:crypto";
import { z } from "zod";
import { jobs, webhookEndpoints, type Case, type Image, type Job } from "../../db/schema";
import { writeAudit } from "../audit";
import { authorize, type Ctx } from "../context";
import { AppError } from "../errors";
import { env } from "../env";
import { newId } from "../ids";
import { MAX_JOB_METADATA_BYTES } from "../limits";
import { text } from "../validation";
import { submitImage } from "../cases/submit-image";
import { assertWebhookUrl } from "../webhooks/address";

export const createJobInput = z.object({
  bytes: z.instanceof(Buffer),
  filename: text(255).default(""),
  policyName: text(100).optional(),
  externalRef: text(200).optional(),
  webhookUrl: z.string().optional(),
  metadata: z
    .record(z.string(), z.unknown())
    .optional()
    .refine((m) => m === undefined || Buffer.byteLength(JSON.stringify(m)) <= MAX_JOB_METADATA_BYTES, {
      message: `at most ${MAX_JOB_METADATA_BYTES} bytes as JSON`,
    }),
});
export type CreateJobInput = z.input<typeof createJobInput>;

export interface CreateJobResult {
  job: Job;
  case: Case;
  image: Image;
  /** The signing secret of the job's webhook endpoint: returned here once, never again. */
  webhookSecret: string | null;
}

/** A webhook signing secret: `whsec_` + 32 random bytes. */
export function generateWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString("base64url")}`;
}

export async function createJob({ ctx, input }: { ctx: Ctx; input: CreateJobInput }): Promise<CreateJobResult> {
  authorize(ctx.actor, "submit");
  const data = createJobInput.parse(input);
  // The address check resolves DNS: before the transaction, not while holding it.
  const webhookUrl = data.webhookUrl ? (await assertWebhookUrl(data.webhookUrl, { allowLoopback: env.LOUPE_WEBHOOK_ALLOW_LOOPBACK }, "webhook_url")).toString() : null;
  let job: Job | undefined;
  let webhookSecret: string | null = null;
  const submitted = await submitImage({
    ctx,
    input: { bytes: data.bytes, filename: data.filename, source: "api", policyName: data.policyName, externalRef: data.externalRef },
    within: async (tx, created) => {
      [job] = await tx
        .insert(jobs)
        .values({ id: newId("job"), caseId: created.case.id, scan: created.case.scan, apiKeyId: ctx.actor.type === "api_key" ? ctx.actor.id : null, metadata: data.metadata ?? null })
        .returning();
      if (!job) throw new AppError("internal_error");
      if (webhookUrl) {
        webhookSecret = generateWebhookSecret();
        await tx.insert(webhookEndpoints).values({ id: newId("webhookEndpoint"), jobId: job.id, apiKeyId: job.apiKeyId, url: webhookUrl, secret: webhookSecret });
      }
      await writeAudit(tx, ctx.actor, { action: "job.created", caseId: created.case.id, data: { jobId: job.id, webhook: webhookUrl !== null } });
    },
  });
  return { job: job!, case: submitted.case, image: submitted.image, webhookSecret };
}
