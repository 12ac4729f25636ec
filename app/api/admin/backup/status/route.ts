// The backup schedule and its last runs as JSON, for a monitor (lib/backup/backup-request.ts): an
// admin's session, or `Authorization: Bearer $LOUPE_BACKUP_SECRET`.
import { getDbHandle } from "@/db";
import { otherMethods } from "@/lib/api/route";
import { currentActor } from "@/lib/auth/session";
import { backupStatusResponse } from "@/lib/backup/backup-request";
import { backupScheduleFromEnv } from "@/lib/backup/scheduled";
import { env } from "@/lib/env";

export const dynamic = "force-dynamic";

export async function GET(req: Request) {
  return backupStatusResponse(req, { secret: env.LOUPE_BACKUP_SECRET, user: currentActor, handle: getDbHandle, schedule: backupScheduleFromEnv(env) });
}

/** The methods this path does not take: a JSON 405 naming the ones it does. */
export const { POST, PUT, PATCH, DELETE } = otherMethods(["GET"]);
