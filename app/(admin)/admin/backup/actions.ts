"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { getDbHandle } from "@/db";
import { authedAction } from "@/lib/actions";
import { backupScheduleFromEnv, startBackupNow } from "@/lib/backup/scheduled";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { getBlobStore } from "@/lib/storage";

/** "Back up now": a run of the schedule at once, into LOUPE_BACKUP_DIR, written in the background. */
export const backupNowAction = authedAction("backup", z.object({}), async (_input, ctx) => {
  const schedule = backupScheduleFromEnv(env);
  if (!schedule) throw new AppError("invalid_request", "Scheduled backups are off: set LOUPE_BACKUP_DIR in the server's environment.");
  const run = await startBackupNow({ handle: await getDbHandle(), store: getBlobStore(), blobStoreKind: env.BLOB_STORE, schedule }, ctx.actor);
  revalidatePath("/admin/backup");
  return { id: run.id };
});
