import { integer, pgTable, text, timestamp } from "drizzle-orm/pg-core";

/**
 * Failed sign-ins per key (`account:<email>` or `address:<ip>`), shared by every server process: the
 * throttle lives in the database, not in one process's memory.
 */
export const authThrottle = pgTable("auth_throttle", {
  key: text("key").primaryKey(),
  /** Failures since the window started (a success or a quiet window resets it). */
  failures: integer("failures").notNull().default(0),
  windowStart: timestamp("window_start", { withTimezone: true }).notNull().defaultNow(),
  lastFailure: timestamp("last_failure", { withTimezone: true }),
  lockedUntil: timestamp("locked_until", { withTimezone: true }),
});

export type AuthThrottle = typeof authThrottle.$inferSelect;
