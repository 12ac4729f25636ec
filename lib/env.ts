// Validated environment: the one place that reads process.env (CONTRIBUTING.md, "Configuration").
// Plain Node (no Next imports): the worker, CLIs and tests use it too.
import path from "node:path";
import { z } from "zod";

const bool = z
  .enum(["true", "false", "1", "0", "yes", "no"])
  .transform((v) => v === "true" || v === "1" || v === "yes");

const schema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  /** PostgreSQL URL. Unset → embedded PGlite under DATA_DIR/pglite. */
  DATABASE_URL: z.string().url().optional(),
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
  /**
   * Tests only: let image URLs (POST /api/v1/detect) reach loopback addresses (127.0.0.0/8, ::1), so a
   * test can serve images from a local server. Every other refused range stays refused. Never in production.
   */
  LOUPE_FETCH_ALLOW_LOOPBACK: bool.default(false),
  /** Poll interval of an idle worker, milliseconds. */
  LOUPE_WORKER_POLL_MS: z.coerce.number().int().min(50).max(60_000).default(1000),
});

export type Env = z.infer<typeof schema>;

function load(): Env {
  const parsed = schema.safeParse(process.env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`Invalid environment:\n${lines.join("\n")}`);
  }
  return parsed.data;
}

export const env: Env = load();

export const paths = {
  data: path.resolve(/*turbopackIgnore: true*/ env.DATA_DIR),
  pglite: env.PGLITE_DIR?.startsWith("memory://")
    ? env.PGLITE_DIR
    : path.resolve(/*turbopackIgnore: true*/ env.PGLITE_DIR ?? path.join(env.DATA_DIR, "pglite")),
  blobs: path.resolve(/*turbopackIgnore: true*/ env.BLOB_DIR ?? path.join(env.DATA_DIR, "blobs")),
  model: path.resolve(/*turbopackIgnore: true*/ env.MODEL_PATH ?? "models/loupe-detector.onnx"),
};
