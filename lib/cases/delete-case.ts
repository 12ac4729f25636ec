// DELETE /api/v1/cases/{id}: the image bytes, the display derivative and the heatmaps go; the case
// row stays, marked deleted (every read answers 404, the queue no longer lists it), with an audit
// row that keeps the image's hashes (sha256, dHash) so a later re-submission can still be recognised.
// Blobs are content-addressed and shared: the original is removed only when no other case still
// shows the same image (lib/cases/case-blobs.ts).
import { eq, sql } from "drizzle-orm";
import { z } from "zod";
import { cases, images } from "../../db/schema";
import { writeAudit } from "../audit";
import { authorize, type Ctx } from "../context";
import { AppError } from "../errors";
import { caseBlobs, releaseCaseBlobs } from "./case-blobs";

export const deleteCaseInput = z.object({ caseId: z.string().min(1).max(200) });

export interface DeleteCaseResult {
  id: string;
  deletedAt: Date;
  /** False when another case still uses the same bytes: they stay for it. */
  imageDeleted: boolean;
  heatmapsDeleted: number;
}

/** Admins may delete any case; otherwise only the API key that submitted it. */
export async function deleteCase({ ctx, input }: { ctx: Ctx; input: z.input<typeof deleteCaseInput> }): Promise<DeleteCaseResult> {
  authorize(ctx.actor, "submit");
  const data = deleteCaseInput.parse(input);
  return ctx.db.transaction(async (tx) => {
    const [c] = await tx.select().from(cases).where(eq(cases.id, data.caseId)).for("update");
    if (!c || c.deletedAt) throw new AppError("not_found", "Case not found.");
    const isAdmin = "role" in ctx.actor && ctx.actor.role === "admin";
    const isCreatorKey = ctx.actor.type === "api_key" && c.apiKeyId === ctx.actor.id;
    if (!isAdmin && !isCreatorKey && ctx.actor.type !== "system") {
      throw new AppError("forbidden", "Only an admin or the API key that submitted the case can delete it.");
    }
    // Serialises against submitImage, whose case insert takes a key-share lock on this row before it
    // writes the blob: either it already committed (and is counted below) or it writes the bytes again.
    const [image] = await tx.select().from(images).where(eq(images.id, c.imageId)).for("update");
    if (!image) throw new AppError("internal_error");
    const blobs = await caseBlobs(tx, c.id, image);
    const { imageDeleted } = blobs;
    // A scan in flight loses its lease: its completion is refused (lib/cases/transition.ts).
    const [row] = await tx
      .update(cases)
      .set({ deletedAt: sql`now()`, leaseOwner: null, leaseExpiresAt: null, updatedAt: sql`now()` })
      .where(eq(cases.id, c.id))
      .returning({ deletedAt: cases.deletedAt });
    await writeAudit(tx, ctx.actor, {
      action: "case.deleted",
      caseId: c.id,
      data: { state: c.state, imageId: image.id, sha256: image.sha256, dhash: image.phash, imageDeleted, heatmapsDeleted: blobs.heatmapKeys.length },
    });
    await releaseCaseBlobs(blobs);
    return { id: c.id, deletedAt: row!.deletedAt!, imageDeleted, heatmapsDeleted: blobs.heatmapKeys.length };
  });
}
