import { desc, eq } from "drizzle-orm";
import { detections } from "@/db/schema";
import { apiRoute } from "@/lib/api/route";
import { PERMISSIONS } from "@/lib/auth/roles";
import { AppError } from "@/lib/errors";
import { getBlobStore } from "@/lib/storage";

export const dynamic = "force-dynamic";

export const GET = apiRoute<{ id: string; signal: string }>(PERMISSIONS.viewQueue, async (_req, { db, params }) => {
  const [det] = await db.select().from(detections).where(eq(detections.caseId, params.id)).orderBy(desc(detections.createdAt)).limit(1);
  const signal = (det?.signals as { id: string; heatmap?: { key: string } }[] | undefined)?.find((s) => s.id === params.signal);
  if (!signal?.heatmap) throw new AppError("not_found", "No heatmap for that signal.");
  const png = await getBlobStore().get(signal.heatmap.key);
  if (!png) throw new AppError("not_found", "The heatmap is missing from storage.");
  return new Response(new Uint8Array(png), { headers: { "content-type": "image/png", "cache-control": "private, max-age=3600" } });
});
