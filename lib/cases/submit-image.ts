// Submit one image for scanning: validate by magic bytes, store it content-addressed (same sha256 →
// the existing image is reused), create a `pending_scan` case and its audit row in one transaction.
import { createHash } from "node:crypto";
import { eq } from "drizzle-orm";
import { z } from "zod";
import { cases, images, policies, type Case, type Image } from "../../db/schema";
import { writeAudit } from "../audit";
import { PERMISSIONS } from "../auth/roles";
import { actorUserId, authorize, type Ctx } from "../context";
import { inspectImage } from "../detection/decode";
import { AppError } from "../errors";
import { newId } from "../ids";
import { differenceHash } from "../images/phash";
import { getBlobStore, imageKey } from "../storage";

export const MAX_UPLOAD_BYTES = 20 * 1024 * 1024;
export const MAX_BATCH_FILES = 100;

export const submitImageInput = z.object({
  bytes: z.instanceof(Buffer),
  filename: z.string().max(255).default(""),
  source: z.enum(["upload", "api"]),
  policyName: z.string().max(100).optional(),
  externalRef: z.string().max(200).optional(),
});
export type SubmitImageInput = z.input<typeof submitImageInput>;

export interface SubmitImageResult {
  case: Case;
  image: Image;
  /** True when identical bytes were already stored and the new case reuses that image. */
  deduplicated: boolean;
}

export async function submitImage({ ctx, input }: { ctx: Ctx; input: SubmitImageInput }): Promise<SubmitImageResult> {
  authorize(ctx.actor, PERMISSIONS.submit);
  const data = submitImageInput.parse(input);
  if (data.bytes.length > MAX_UPLOAD_BYTES) {
    throw new AppError("image_too_large", `The file is ${(data.bytes.length / 1048576).toFixed(1)} MB; the limit is 20 MB.`, { param: "file" });
  }
  const info = await inspectImage(data.bytes);
  if (!info.ok) throw new AppError(info.error.code, info.error.message, { param: "file" });

  // A full decode: the header can look fine while the data is cut short.
  const phash = await differenceHash(data.bytes).catch((err: Error) => {
    throw new AppError("image_corrupt", `The image data is truncated or corrupt (${err.message.split("\n")[0]}).`, { param: "file" });
  });

  const sha256 = createHash("sha256").update(data.bytes).digest("hex");
  const storageKey = imageKey(sha256);
  const store = getBlobStore();
  // Blob first, row second: a crash in between leaves an unreferenced blob, never a row without bytes.
  if (!(await store.exists(storageKey))) await store.put(storageKey, data.bytes);

  return ctx.db.transaction(async (tx) => {
    const policy = data.policyName
      ? (await tx.select().from(policies).where(eq(policies.name, data.policyName)))[0]
      : (await tx.select().from(policies).where(eq(policies.isDefault, true)))[0];
    if (!policy) {
      throw new AppError("invalid_request", data.policyName ? `No policy named "${data.policyName}".` : "No default policy.", { param: "policy" });
    }
    const inserted = await tx
      .insert(images)
      .values({
        id: newId("image"),
        sha256,
        mime: info.value.mime,
        format: info.value.format,
        sizeBytes: data.bytes.length,
        width: info.value.width,
        height: info.value.height,
        storageKey,
        phash,
      })
      .onConflictDoNothing({ target: images.sha256 })
      .returning();
    const deduplicated = inserted.length === 0;
    const image = inserted[0] ?? (await tx.select().from(images).where(eq(images.sha256, sha256)))[0]!;
    const [row] = await tx
      .insert(cases)
      .values({
        id: newId("case"),
        imageId: image.id,
        source: data.source,
        submitterId: actorUserId(ctx.actor),
        apiKeyId: ctx.actor.type === "api_key" ? ctx.actor.id : null,
        filename: data.filename,
        externalRef: data.externalRef ?? null,
        policyId: policy.id,
        state: "pending_scan",
      })
      .returning();
    await writeAudit(tx, ctx.actor, {
      action: "case.created",
      caseId: row!.id,
      data: { imageId: image.id, sha256, deduplicated, source: data.source, filename: data.filename },
    });
    return { case: row!, image, deduplicated };
  });
}
