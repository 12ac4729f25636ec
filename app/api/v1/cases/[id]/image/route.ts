import { eq } from "drizzle-orm";
import { cases, images } from "@/db/schema";
import { apiRoute } from "@/lib/api/route";
import { PERMISSIONS } from "@/lib/auth/roles";
import { AppError } from "@/lib/errors";
import { getBlobStore } from "@/lib/storage";

export const dynamic = "force-dynamic";

export const GET = apiRoute<{ id: string }>(PERMISSIONS.viewQueue, async (_req, { db, params }) => {
  const [row] = await db.select({ image: images }).from(cases).innerJoin(images, eq(images.id, cases.imageId)).where(eq(cases.id, params.id));
  if (!row) throw new AppError("not_found", "Case not found.");
  const bytes = await getBlobStore().get(row.image.storageKey);
  if (!bytes) throw new AppError("not_found", "The original is missing from storage.");
  return new Response(new Uint8Array(bytes), {
    headers: {
      "content-type": row.image.mime,
      "cache-control": "private, max-age=31536000, immutable",
      // Served as an image only: never let a crafted file be sniffed into something else.
      "x-content-type-options": "nosniff",
      "content-security-policy": "default-src 'none'",
    },
  });
});
