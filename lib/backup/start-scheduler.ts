// The backup schedule of a long-running process (the web server's start-up, `npm run worker`), from
// the environment: nothing when LOUPE_BACKUP_DIR is unset.
import type { DbHandle } from "../../db";
import { env } from "../env";
import { getBlobStore } from "../storage";
import { backupScheduleFromEnv, startBackupScheduler, type BackupScheduler } from "./scheduled";

export function startScheduledBackups(handle: DbHandle): BackupScheduler | null {
  const schedule = backupScheduleFromEnv(env);
  if (!schedule) return null;
  console.log(
    `[loupe] scheduled backups: ${env.LOUPE_BACKUP_AT ? `daily at ${env.LOUPE_BACKUP_AT} UTC` : `every ${env.LOUPE_BACKUP_INTERVAL_HOURS} h`} into ${schedule.dir}, keeping ${schedule.keep}${schedule.blobs ? "" : ", database only"}`,
  );
  return startBackupScheduler({ handle, store: getBlobStore(), blobStoreKind: env.BLOB_STORE, schedule });
}
