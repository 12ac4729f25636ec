// The product's limits, defined once. Plain constants with no imports: the engine, the server,
// next.config.ts and client components all read this file.

/** Largest image file accepted, in bytes. */
export const MAX_UPLOAD_BYTES = 20 * 1024 * 1024;
/** "20 MB": the byte limit as people read it. */
export const MAX_BYTES_LABEL = `${MAX_UPLOAD_BYTES / (1024 * 1024)} MB`;
/** A side longer than this is refused ("over 8192×8192" read per side: 8193×1 is too large). */
export const MAX_SIDE = 8192;
/** Longest side of the engine's analysis image; pixel signals work at this size so cost stays bounded. */
export const ANALYSIS_MAX_SIDE = 1024;

/** Files per upload batch in the console. */
export const MAX_FILES_PER_BATCH = 100;
/** Room for multipart boundaries and form fields around one image. */
export const MULTIPART_OVERHEAD_BYTES = 64 * 1024;
/** Largest request body that can carry one image (server actions and the REST API). */
export const MAX_REQUEST_BYTES = MAX_UPLOAD_BYTES + MULTIPART_OVERHEAD_BYTES;

/** How long state-change events are kept for live streams that reconnect (Last-Event-ID). */
export const LIVE_EVENT_RETENTION_SECONDS = 60 * 60;
/** How often a long-running worker deletes events older than the retention window. */
export const LIVE_EVENT_PRUNE_INTERVAL_MS = 10 * 60 * 1000;
/** Events sent to a reconnecting stream at most; one further behind gets `event: reset` (reload). */
export const LIVE_EVENT_BACKLOG_MAX = 1000;
/** A comment line on every open stream this often, so proxies and browsers keep it open. */
export const LIVE_HEARTBEAT_MS = 15_000;
/** Longest time budget `POST /api/worker/run?budget_ms=` may ask for; the default is 50 s. */
export const WORKER_RUN_MAX_BUDGET_MS = 5 * 60 * 1000;
export const WORKER_RUN_DEFAULT_BUDGET_MS = 50_000;
/** An open live stream ends after this long; the browser reconnects and is authenticated again. */
export const LIVE_STREAM_MAX_SECONDS = 5 * 60;
