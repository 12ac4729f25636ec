// DELETE /api/v1/cases/{id}: the image bytes, the display derivative and the heatmaps go; the case
// row stays, marked deleted (every read answers 404, the queue no longer lists it), with an audit
// row that keeps the image's hashes (sha256, dHash) so a later re-submission can still be recognised.
// Blobs are content-addressed and shared: the original is removed only when no other live case
// references the same image.
import { and, count, eq, isNull, ne, sql } from "drizzle-orm";
import { z } from "zod";
import { cases, detections, images } from "../../db/schema";
import { writeAudit } from "../audit";
import { authorize, type Ctx } from "../context";
import { AppError } from "../errors";
import { displayKey, getBlobStore } from "../storage";

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
  const store = getBlobStore();
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
    const [others] = await tx
      .select({ n: count() })
      .from(cases)
      .where(and(eq(cases.imageId, image.id), ne(cases.id, c.id), isNull(cases.deletedAt)));
    const imageDeleted = Number(others?.n ?? 0) === 0;
    const heatmapKeys = (await tx.select({ signals: detections.signals }).from(detections).where(eq(detections.caseId, c.id))).flatMap((d) =>
      d.signals.flatMap((s) => (s.heatmap ? [s.heatmap.key] : [])),
    );
    // A scan in flight loses its lease: its completion is refused (lib/cases/transition.ts).
    const [row] = await tx
      .update(cases)
      .set({ deletedAt: sql`now()`, leaseOwner: null, leaseExpiresAt: null, updatedAt: sql`now()` })
      .where(eq(cases.id, c.id))
      .returning({ deletedAt: cases.deletedAt });
    await writeAudit(tx, ctx.actor, {
      action: "case.deleted",
      caseId: c.id,
      data: { state: c.state, imageId: image.id, sha256: image.sha256, dhash: image.phash, imageDeleted, heatmapsDeleted: heatmapKeys.length },
    });
    // Bytes last, still inside the transaction: the row lock above keeps a new case of these bytes
    // from committing in between. Should the commit then fail, the case stays (without its pictures)
    // and the caller can delete it again.
    if (imageDeleted) {
      await store.delete(image.storageKey);
      await store.delete(displayKey(image.sha256));
    }
    for (const key of heatmapKeys) await store.delete(key);
    return { id: c.id, deletedAt: row!.deletedAt!, imageDeleted, heatmapsDeleted: heatmapKeys.length };
  });
}
