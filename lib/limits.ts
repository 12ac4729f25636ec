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

/** Job `metadata`, serialised as JSON, is echoed back: keep it small. */
export const MAX_JOB_METADATA_BYTES = 4096;
/** Webhook endpoints per API key. */
export const MAX_WEBHOOK_ENDPOINTS_PER_KEY = 5;
/** A webhook receiver has this long to answer. */
export const WEBHOOK_TIMEOUT_MS = 10_000;
/** Retries after the first attempt; then the delivery gives up and its endpoint is disabled. */
export const WEBHOOK_MAX_RETRIES = 5;
/**
 * Each retry waits this many times longer than the one before: with the default first delay of 56 s
 * the waits are about 1 min, 6 min, 34 min, 3.4 h and 20 h, about 24 h in all.
 */
export const WEBHOOK_BACKOFF_FACTOR = 6;
/** Longest webhook URL. */
export const MAX_WEBHOOK_URL_LENGTH = 2000;
