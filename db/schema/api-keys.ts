import { boolean, date, doublePrecision, integer, jsonb, pgTable, primaryKey, text, timestamp } from "drizzle-orm/pg-core";
import { apiKeyModeEnum, apiKeyScopeEnum } from "./enums";
import { users } from "./users";

export const apiKeys = pgTable("api_keys", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  /** First characters of the secret, shown in the UI to tell keys apart. */
  prefix: text("prefix").notNull(),
  /** sha256 of the secret; the secret itself is shown once and never stored. */
  secretHash: text("secret_hash").notNull().unique(),
  userId: text("user_id").notNull().references(() => users.id),
  /** `lp_test_…` keys run the real engine but are left out of usage and quotas. */
  mode: apiKeyModeEnum("mode").notNull().default("live"),
  /**
   * Keys made before scopes existed hold the four scopes there were then, so they keep working. The
   * default stays those four: a scope added later (lists) is given only when asked for, and a migration
   * cannot use an enum value in the transaction that adds it.
   */
  scopes: apiKeyScopeEnum("scopes").array().notNull().default(["detect", "cases:read", "cases:write", "usage"]),
  /** Requests per minute (token bucket); null → DEFAULT_RATE_LIMIT_PER_MINUTE (lib/limits.ts). */
  rateLimitPerMinute: integer("rate_limit_per_minute"),
  /** Images per calendar month (UTC); null → DEFAULT_MONTHLY_IMAGE_QUOTA. */
  monthlyImageQuota: integer("monthly_image_quota"),
  /**
   * The key this one descends from by rotation (its own id when never rotated, or null for keys made
   * before rotation existed: read as the key's id). Rate-limit buckets, usage and quotas are kept per
   * lineage, so rotating a key does not reset its month.
   */
  lineageId: text("lineage_id"),
  /** Set when the key is rotated: it keeps working until then (the grace period), then never again. */
  expiresAt: timestamp("expires_at", { withTimezone: true }),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  lastUsedAt: timestamp("last_used_at", { withTimezone: true }),
  revokedAt: timestamp("revoked_at", { withTimezone: true }),
});

export type ApiKey = typeof apiKeys.$inferSelect;

/**
 * One token bucket per key lineage, shared by every server process: a request takes a token in one
 * atomic upsert (lib/api-keys/rate-limit.ts), so no process keeps counts in memory.
 */
export const apiRateLimits = pgTable("api_rate_limits", {
  lineageId: text("lineage_id").primaryKey(),
  tokens: doublePrecision("tokens").notNull(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull(),
  /** Whether the last statement took a token (written by the same statement that took it). */
  allowed: boolean("allowed").notNull().default(true),
  /**
   * How many tokens the last statement took: admitApiKeys admits several requests of one key in one
   * statement (lib/api-keys/admit-queue.ts), and learns from this how many the bucket let through.
   */
  granted: integer("granted").notNull().default(1),
});

/** Requests and images per key lineage and UTC day, upserted by each request (test keys never). */
export const apiUsage = pgTable(
  "api_usage",
  {
    lineageId: text("lineage_id").notNull(),
    day: date("day", { mode: "string" }).notNull(),
    requests: integer("requests").notNull().default(0),
    images: integer("images").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.lineageId, t.day] })],
);

/**
 * `Idempotency-Key` records for POSTs under /api/v1, per owner (API key lineage or user), kept
 * IDEMPOTENCY_TTL_HOURS. `status` null: the first request is still running.
 */
export const idempotencyKeys = pgTable(
  "idempotency_keys",
  {
    owner: text("owner").notNull(),
    key: text("key").notNull(),
    /** sha256 of method, path and body. */
    requestHash: text("request_hash").notNull(),
    status: integer("status"),
    /** The stored response body, base64. */
    body: text("body"),
    headers: jsonb("headers").$type<Record<string, string>>(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.owner, t.key] })],
);
