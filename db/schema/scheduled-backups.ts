import { bigint, boolean, index, integer, pgTable, text, timestamp } from "drizzle-orm/pg-core";

/**
 * One run of the backup schedule (LOUPE_BACKUP_DIR; lib/backup/scheduled.ts). The rows are also how
 * the processes of one installation agree on who makes the next backup: a process claims a run by
 * inserting its row, under an advisory lock, when no run is under way and the last good one is older
 * than the interval; a running row's lease is extended while it writes, so one left by a process that
 * died is seen as interrupted once the lease has run out.
 */
export const scheduledBackups = pgTable(
  "scheduled_backups",
  {
    id: text("id").primaryKey(),
    /** running | succeeded | failed | interrupted */
    status: text("status").notNull(),
    /** Asked for from the Backup page ("Back up now") rather than by the schedule. */
    manual: boolean("manual").notNull().default(false),
    startedAt: timestamp("started_at", { withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
    leaseUntil: timestamp("lease_until", { withTimezone: true }).notNull(),
    /** The host and process that made it (the file is on that host's disk). */
    host: text("host").notNull(),
    pid: integer("pid").notNull(),
    /** The file's absolute path. */
    file: text("file"),
    bytes: bigint("bytes", { mode: "number" }),
    rows: integer("rows"),
    blobs: integer("blobs"),
    /** What went wrong, for an admin (never a stack). */
    error: text("error"),
  },
  (t) => [index("scheduled_backups_started_idx").on(t.startedAt)],
);

export type ScheduledBackup = typeof scheduledBackups.$inferSelect;
