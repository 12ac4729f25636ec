// A backup of the running installation as a download (lib/backup/backup-request.ts): an admin's
// session, or `Authorization: Bearer $LOUPE_BACKUP_SECRET` from a script. `?blobs=0` leaves the stored
// images and heatmaps out.
import { getDbHandle } from "@/db";
import { otherMethods } from "@/lib/api/route";
import { currentActor } from "@/lib/auth/session";
import { backupResponse } from "@/lib/backup/backup-request";
import { env } from "@/lib/env";
import { getBlobStore } from "@/lib/storage";

export const dynamic = "force-dynamic";

export async function GET(req: Request) {
  return backupResponse(req, { secret: env.LOUPE_BACKUP_SECRET, user: currentActor, handle: getDbHandle, store: getBlobStore, blobStoreKind: env.BLOB_STORE });
}

/** The methods this path does not take: a JSON 405 naming the ones it does. */
export const { POST, PUT, PATCH, DELETE } = otherMethods(["GET"]);
