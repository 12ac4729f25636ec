// Validated environment: the one place that reads process.env (CONTRIBUTING.md, "Configuration").
// Plain Node (no Next imports): the worker, CLIs and tests use it too.
import path from "node:path";
import { z } from "zod";
import { ROLES } from "../db/schema/enums";

const bool = z
  .enum(["true", "false", "1", "0", "yes", "no"])
  .transform((v) => v === "true" || v === "1" || v === "yes");

const schema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  /** PostgreSQL URL. Unset → embedded PGlite under DATA_DIR/pglite. */
  DATABASE_URL: z.string().url().optional(),
  /**
   * A direct (session-mode) connection to the same database, for LISTEN and migrations, when
   * DATABASE_URL goes through a transaction-mode pooler such as PgBouncer (deploy/README.md). Unset →
   * DATABASE_URL serves those too.
   */
  DATABASE_DIRECT_URL: z.string().url().optional(),
  /** Root for the embedded database and local blobs. */
  DATA_DIR: z.string().default("./data"),
  /** Override the PGlite directory (default DATA_DIR/pglite). "memory://" keeps it in RAM. */
  PGLITE_DIR: z.string().optional(),
  /** Local blob root (default DATA_DIR/blobs). */
  BLOB_DIR: z.string().optional(),
  /** ONNX detector to load instead of the committed one (same input/output interface). */
  MODEL_PATH: z.string().optional(),
  /** Address `npm start` listens on. Loopback by default: set 0.0.0.0 (or a LAN address) to serve others. */
  HOST: z.string().min(1).default("127.0.0.1"),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  /** The URL people use to reach Loupe. With https, responses carry Strict-Transport-Security and cookies are Secure. */
  LOUPE_PUBLIC_URL: z.string().url().optional(),
  /** Trust X-Forwarded-Proto from a reverse proxy in front of Loupe (HSTS when it says https). */
  LOUPE_TRUST_PROXY: bool.default(false),
  /** Web processes `npm start` runs on PORT as a node:cluster (lib/cli/serve.mjs, which reads it); > 1 needs PostgreSQL. */
  LOUPE_WEB_PROCESSES: z.coerce.number().int().min(1).max(64).default(1),
  AUTH_SECRET: z.string().min(16).optional(),
  LOUPE_ADMIN_EMAIL: z.string().email().optional(),
  LOUPE_ADMIN_PASSWORD: z.string().min(8).optional(),
  /** Run the scan worker inside the web server process. */
  LOUPE_INPROCESS_WORKER: bool.default(true),
  LOUPE_WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(32).default(2),
  /** Run each scan's detection in a worker thread (off the process's event loop). */
  LOUPE_DETECTION_THREADS: bool.default(true),
  /** Hard limit for one image's detection; a thread still busy after it is stopped and the scan retried. */
  LOUPE_SCAN_TIMEOUT_SECONDS: z.coerce.number().int().min(10).max(3600).default(300),
  /** Seconds a claimed case stays leased before another worker may take it over. */
  LOUPE_LEASE_SECONDS: z.coerce.number().int().min(5).max(3600).default(120),
  LOUPE_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(3),
  /** Days an unused entry of the detection cache (and its heatmap PNGs) is kept (lib/detect/cache-eviction.ts). */
  LOUPE_DETECTION_CACHE_DAYS: z.coerce.number().int().min(2).max(3650).default(30),
  /**
   * Tests only: let image URLs (POST /api/v1/detect) reach loopback addresses (127.0.0.0/8, ::1) on this
   * one port, so a test can serve images from a local server while 127.0.0.1 on any other port, and
   * every other refused range, stays refused. Unset (the default, and always in production): none.
   */
  LOUPE_FETCH_LOOPBACK_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  /**
   * Safety-net poll of an idle worker, milliseconds. Workers are woken by NOTIFY the moment a case is
   * committed; the poll only catches what a notice cannot announce (a retry's backoff ending in another
   * process, an expired lease) or a notice lost while the database connection was down.
   */
  LOUPE_WORKER_POLL_MS: z.coerce.number().int().min(50).max(300_000).default(15_000),
  /**
   * Bearer secret for POST /api/worker/run (route-driven scanning for platforms without long-running
   * processes: a cron calls the route). Unset: the route answers 404.
   */
  LOUPE_WORKER_SECRET: z.string().min(32).optional(),
  /** Bearer secret (32+ characters) for GET /api/admin/backup from a script (an admin's session works without it). */
  LOUPE_BACKUP_SECRET: z.string().min(32).optional(),
  /**
   * Scheduled backups (README, "Backup and restore"): the directory they are written to. Unset: none.
   * The processes of one installation take turns through the database; one of them makes each backup.
   */
  LOUPE_BACKUP_DIR: z.string().min(1).optional(),
  /** Hours between scheduled backups, counted from the start of the last good one. */
  LOUPE_BACKUP_INTERVAL_HOURS: z.coerce.number().min(1).max(8760).default(24),
  /**
   * Scheduled backups once a day at this time, HH:MM in UTC (say 03:00, when few people work): on
   * PGlite a backup holds the database while it reads the tables. Unset: every
   * LOUPE_BACKUP_INTERVAL_HOURS from the last good one.
   */
  LOUPE_BACKUP_AT: z
    .string()
    .regex(/^([01]\d|2[0-3]):[0-5]\d$/, "HH:MM in UTC, e.g. 03:00")
    .optional(),
  /** Scheduled backups kept in LOUPE_BACKUP_DIR: after each good one, the oldest beyond this are deleted. */
  LOUPE_BACKUP_KEEP: z.coerce.number().int().min(1).max(1000).default(7),
  /** Scheduled backups hold the stored images and heatmaps; false: the database only (a bucket backed up by its own versioning). */
  LOUPE_BACKUP_BLOBS: bool.default(true),
  /**
   * Single sign-on through an OpenID Connect identity provider (README, "Single sign-on";
   * lib/auth/sso.ts): its issuer URL, whose /.well-known/openid-configuration is read at sign-in.
   * Unset: email and password only.
   */
  LOUPE_OIDC_ISSUER: z.string().url().regex(/^https?:\/\//, "an http:// or https:// URL").optional(),
  LOUPE_OIDC_CLIENT_ID: z.string().min(1).optional(),
  LOUPE_OIDC_CLIENT_SECRET: z.string().min(1).optional(),
  /** The identity provider's name on the sign-in button: "Continue with <name>". */
  LOUPE_OIDC_NAME: z.string().trim().min(1).max(40).default("single sign-on"),
  /** Scopes asked for; add the one that puts the roles claim in the ID token when the provider needs it (Okta: groups). */
  LOUPE_OIDC_SCOPES: z.string().trim().min(1).default("openid email profile"),
  /**
   * The role of someone who signs in through SSO for the first time and has no Loupe account. Unset:
   * nobody is created; only accounts an admin made (matched by email) may sign in.
   */
  LOUPE_OIDC_NEW_USER_ROLE: z.enum(ROLES).optional(),
  /** Only these email domains may sign in through SSO (comma-separated, e.g. example.org,example.com). */
  LOUPE_OIDC_EMAIL_DOMAINS: z
    .string()
    .transform((v) => v.split(",").map((d) => d.trim().toLowerCase().replace(/^@/, "")).filter(Boolean))
    .pipe(z.array(z.string().regex(/^[a-z0-9.-]+\.[a-z0-9-]+$/, "domains such as example.org, comma-separated")).min(1))
    .optional(),
  /** The ID-token claim that lists the user's groups or roles at the provider (e.g. groups, roles). */
  LOUPE_OIDC_ROLES_CLAIM: z.string().trim().min(1).optional(),
  /**
   * Which claim values give which Loupe role, e.g. "loupe-admins=admin,loupe-moderators=moderator".
   * With it the provider decides the role at every sign-in (the highest one matched); someone who
   * matches none may not sign in.
   */
  LOUPE_OIDC_ROLES: z
    .string()
    .transform((v) => v.split(",").map((pair) => pair.trim()).filter(Boolean).map((pair) => pair.split("=").map((x) => x.trim())))
    .pipe(z.array(z.tuple([z.string().min(1), z.enum(ROLES)], { message: `value=role pairs (roles: ${ROLES.join(", ")}), comma-separated` })).min(1))
    .optional(),
  /** false: no email-and-password sign-in (single sign-on only; needs LOUPE_OIDC_ISSUER). API keys are not affected. */
  LOUPE_PASSWORD_SIGN_IN: bool.default(true),
  /** Where blobs live: files under BLOB_DIR, or an S3-compatible bucket (README, "Blob storage"). */
  BLOB_STORE: z.enum(["local", "s3"]).default("local"),
  /** S3 API endpoint (MinIO, R2, …); unset → AWS S3 for S3_REGION. */
  S3_ENDPOINT: z.string().url().regex(/^https?:\/\//, "an http:// or https:// URL, e.g. http://minio:9000").optional(),
  S3_BUCKET: z.string().min(3).max(63).optional(),
  /** AWS region; "us-east-1" for MinIO, "auto" for Cloudflare R2. */
  S3_REGION: z.string().min(1).optional(),
  /** Both or neither; neither → the AWS SDK's default credential chain (an instance or task role). */
  S3_ACCESS_KEY_ID: z.string().min(1).optional(),
  S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  /** Path-style URLs (endpoint/bucket/key): MinIO and most self-hosted servers need it. */
  S3_FORCE_PATH_STYLE: bool.default(false),
  /** Prepended to every object key, e.g. "loupe/" to share a bucket. */
  S3_PREFIX: z
    .string()
    .regex(/^([a-z0-9][a-z0-9_.-]*\/)+$/, 'lower-case path segments ending in "/", e.g. "loupe/"')
    .optional(),
  /**
   * First webhook retry delay, milliseconds; each later one is WEBHOOK_BACKOFF_FACTOR times longer
   * (lib/webhooks/backoff.ts). The default spreads the retries over about 24 hours; tests shorten it.
   */
  LOUPE_WEBHOOK_RETRY_BASE_MS: z.coerce.number().int().min(100).max(3_600_000).default(56_000),
  /**
   * Let webhook URLs point at loopback addresses (127.0.0.0/8, ::1). For tests and local
   * development only: in production a webhook must not reach the server's own services.
   */
  LOUPE_WEBHOOK_ALLOW_LOOPBACK: bool.default(false),
  /** Poll interval of the webhook dispatcher, milliseconds. */
  LOUPE_WEBHOOK_POLL_MS: z.coerce.number().int().min(50).max(60_000).default(1000),
});

/** Settings that only make sense together, named at start-up (what BLOB_STORE=s3 cannot start without, instead of failing on the first upload). */
const withBlobStoreRules = schema.superRefine((v, ctx) => {
  if (v.LOUPE_BACKUP_AT && v.LOUPE_BACKUP_INTERVAL_HOURS !== 24) {
    ctx.addIssue({ code: "custom", path: ["LOUPE_BACKUP_INTERVAL_HOURS"], message: "LOUPE_BACKUP_AT makes backups daily: leave LOUPE_BACKUP_INTERVAL_HOURS unset (or 24)" });
  }
  const oidc = ["LOUPE_OIDC_ISSUER", "LOUPE_OIDC_CLIENT_ID", "LOUPE_OIDC_CLIENT_SECRET"] as const;
  if (oidc.some((n) => v[n])) {
    for (const name of oidc) if (!v[name]) ctx.addIssue({ code: "custom", path: [name], message: "single sign-on needs LOUPE_OIDC_ISSUER, LOUPE_OIDC_CLIENT_ID and LOUPE_OIDC_CLIENT_SECRET together" });
  }
  if (!v.LOUPE_OIDC_ROLES_CLAIM !== !v.LOUPE_OIDC_ROLES) {
    ctx.addIssue({ code: "custom", path: [v.LOUPE_OIDC_ROLES ? "LOUPE_OIDC_ROLES_CLAIM" : "LOUPE_OIDC_ROLES"], message: "LOUPE_OIDC_ROLES_CLAIM and LOUPE_OIDC_ROLES go together: the claim to read and which of its values give which role" });
  }
  if (v.LOUPE_OIDC_ROLES && v.LOUPE_OIDC_NEW_USER_ROLE) {
    ctx.addIssue({ code: "custom", path: ["LOUPE_OIDC_NEW_USER_ROLE"], message: "with LOUPE_OIDC_ROLES the provider's claim gives every role, new users' too: leave LOUPE_OIDC_NEW_USER_ROLE unset" });
  }
  if (!v.LOUPE_PASSWORD_SIGN_IN && !v.LOUPE_OIDC_ISSUER) {
    ctx.addIssue({ code: "custom", path: ["LOUPE_PASSWORD_SIGN_IN"], message: "without password sign-in nobody could sign in: set up single sign-on (LOUPE_OIDC_ISSUER) first" });
  }
  if (v.BLOB_STORE !== "s3") return;
  for (const name of ["S3_BUCKET", "S3_REGION"] as const) {
    if (!v[name]) ctx.addIssue({ code: "custom", path: [name], message: "required when BLOB_STORE=s3" });
  }
  if (!v.S3_ACCESS_KEY_ID !== !v.S3_SECRET_ACCESS_KEY) {
    const missing = v.S3_ACCESS_KEY_ID ? "S3_SECRET_ACCESS_KEY" : "S3_ACCESS_KEY_ID";
    ctx.addIssue({ code: "custom", path: [missing], message: "S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY go together: set both, or neither for the AWS default credential chain" });
  }
});

/** The names lib/env.ts reads (lib/env.test.ts checks deploy/compose.yaml's against them). */
export const ENV_NAMES: readonly string[] = Object.keys(schema.shape);

export type Env = z.infer<typeof schema>;

/** Validate an environment (process.env at start-up; any record in tests); throws naming every bad variable. */
export function parseEnv(source: Record<string, string | undefined>): Env {
  const parsed = withBlobStoreRules.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`Invalid environment:\n${lines.join("\n")}`);
  }
  return parsed.data;
}

export const env: Env = parseEnv(process.env);

export const paths = {
  data: path.resolve(/*turbopackIgnore: true*/ env.DATA_DIR),
  pglite: env.PGLITE_DIR?.startsWith("memory://")
    ? env.PGLITE_DIR
    : path.resolve(/*turbopackIgnore: true*/ env.PGLITE_DIR ?? path.join(env.DATA_DIR, "pglite")),
  blobs: path.resolve(/*turbopackIgnore: true*/ env.BLOB_DIR ?? path.join(env.DATA_DIR, "blobs")),
  model: path.resolve(/*turbopackIgnore: true*/ env.MODEL_PATH ?? "models/loupe-detector.onnx"),
};
