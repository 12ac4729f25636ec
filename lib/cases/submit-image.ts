// Submit one image for scanning: decode it once with the engine's decoder (so every format the engine
// reads is accepted, and a truncated file is refused here rather than in the worker), hash the decoded
// pixels, store the bytes content-addressed (same sha256 → the existing image is reused), and create
// a `pending_scan` case, its audit row and its live event in one transaction (the event's NOTIFY,
// delivered on commit, is what wakes the workers).
import { createHash } from "node:crypto";
import { eq } from "drizzle-orm";
import type { Tx } from "../../db";
import { z } from "zod";
import { CASE_SOURCES, UPLOAD_ORIGINS, cases, images, type Case, type Image } from "../../db/schema";
import { actorUserId, authorize, type Ctx } from "../context";
import { decodeImage, differenceHash } from "../detection";
import { AppError } from "../errors";
import { newId } from "../ids";
import { text } from "../validation";
import { getBlobStore, imageKey } from "../storage";
import { publishCaseEvent } from "../live/publish-case-event";
import { resolvePolicy } from "../policies/resolve-policy";
import { assignDuplicateGroup } from "./duplicate-group";
import { transitionCase } from "./transition";
import { offerDecoded } from "../worker/decoded-handoff";

export const submitImageInput = z.object({
  bytes: z.instanceof(Buffer),
  filename: text(255).default(""),
  source: z.enum(CASE_SOURCES),
  policyName: text(100).optional(),
  /** Where the upload came from, for policy assignment (lib/policies/resolve-policy.ts); defaults to `source`. */
  origin: z.enum(UPLOAD_ORIGINS).optional(),
  externalRef: text(200).optional(),
  /**
   * Claim the new case for this worker id in the same transaction (POST /api/v1/detect with create_case,
   * which already holds the detection and records it next): no worker ever sees it pending, so it is
   * not scanned twice. Should the caller die first, the lease expires and a worker takes the case over.
   */
  claimAs: z.object({ workerId: z.string().min(1), leaseSeconds: z.number().int().positive() }).optional(),
});
export type SubmitImageInput = z.input<typeof submitImageInput>;

export interface SubmitImageResult {
  case: Case;
  image: Image;
  /** True when identical bytes were already stored and the new case reuses that image. */
  deduplicated: boolean;
}

/**
 * `within` runs inside the case's transaction, after the case row is written: a caller that adds rows
 * about the new case (lib/jobs/create-job.ts) commits them with it, so the worker never sees the case
 * without them, while the decode above stays outside the transaction.
 */
export async function submitImage({
  ctx,
  input,
  within,
}: {
  ctx: Ctx;
  input: SubmitImageInput;
  within?: (tx: Tx, created: SubmitImageResult) => Promise<void>;
}): Promise<SubmitImageResult> {
  authorize(ctx.actor, "submit");
  const data = submitImageInput.parse(input);
  // Size, format and a full decode (the header can look fine while the data is cut short).
  const decoded = await decodeImage(data.bytes);
  if (!decoded.ok) throw new AppError(decoded.error.code, decoded.error.message, { param: "file" });
  const { info, analysis, orientation } = decoded.value;
  const dhash = differenceHash(analysis, orientation);

  const sha256 = createHash("sha256").update(data.bytes).digest("hex");
  const storageKey = imageKey(sha256);
  const store = getBlobStore();

  const created = await ctx.db.transaction(async (tx) => {
    const { policy, rule } = await resolvePolicy(tx, {
      nameOrId: data.policyName,
      apiKeyId: ctx.actor.type === "api_key" ? ctx.actor.id : null,
      origin: data.origin ?? data.source,
    });
    const inserted = await tx
      .insert(images)
      .values({
        id: newId("image"),
        sha256,
        mime: info.mime,
        format: info.format,
        sizeBytes: data.bytes.length,
        width: info.width,
        height: info.height,
        orientation: orientation !== undefined && orientation > 1 ? orientation : null,
        storageKey,
        phash: dhash.hash,
        phashInformative: dhash.informative,
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
        imageSizeBytes: image.sizeBytes,
        // Its own group until assignDuplicateGroup, below, puts it in the one it belongs to.
        duplicateGroup: image.id,
        duplicateGroupShared: false,
        state: "pending_scan",
      })
      .returning();
    // The blob is written after the case row references the image (the insert holds a key-share lock
    // on the image row) and before commit: a concurrent delete of the last other case of these bytes
    // (lib/cases/delete-case.ts locks the image row) either finishes first, and the bytes are written
    // again here, or waits and then sees this case. A crash before commit leaves an unreferenced blob,
    // never a row without bytes.
    if (!(await store.exists(storageKey))) await store.put(storageKey, data.bytes);
    // After the blob: the group's lock is held to the commit, so nothing slow comes after it.
    Object.assign(row!, await assignDuplicateGroup(tx, row!.id, image));
    // The audit row and the live event, in one statement.
    await publishCaseEvent(tx, row!, {
      actor: ctx.actor,
      input: {
        action: "case.created",
        caseId: row!.id,
        data: { imageId: image.id, sha256, deduplicated, source: data.source, filename: data.filename, policy: policy.name, policyRule: rule },
      },
    });
    let current = row!;
    if (data.claimAs) {
      // POST /detect with create_case: the request scans the image itself, so the case is created
      // already claimed by it and no worker scans it again.
      current = await transitionCase(tx, { type: "worker", id: data.claimAs.workerId }, {
        caseId: row!.id,
        to: "scanning",
        from: ["pending_scan"],
        patch: { attempts: 1, leaseOwner: data.claimAs.workerId, leaseExpiresAt: new Date(Date.now() + data.claimAs.leaseSeconds * 1000) },
        reason: "claimed",
        data: { attempt: 1, via: "detect", requestId: ctx.requestId },
      });
    }
    const created = { case: current, image, deduplicated };
    if (within) await within(tx, created);
    return created;
  });
  // Committed: this process's worker, if it runs one, may scan the image without decoding it again.
  if (!data.claimAs) offerDecoded(sha256, data.bytes, { analysis, dhash: dhash.hash, dhashInformative: dhash.informative });
  return created;
}
