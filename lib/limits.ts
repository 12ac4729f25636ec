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

/** API-key requests per minute when an admin has set none (a token bucket: bursts up to this many; the
 * hostile-input suite sends a few hundred uploads with one key, back to back). */
export const DEFAULT_RATE_LIMIT_PER_MINUTE = 600;
/** API-key images per calendar month (UTC) when an admin has set none. */
export const DEFAULT_MONTHLY_IMAGE_QUOTA = 10_000;
/** Highest per-key rate an admin may set. */
export const MAX_RATE_LIMIT_PER_MINUTE = 100_000;
/** How long a rotated key keeps working beside its successor, by default. */
export const DEFAULT_ROTATION_GRACE_HOURS = 24;
/** Longest grace period a rotation may give. */
export const MAX_ROTATION_GRACE_HOURS = 24 * 30;
/** How long an `Idempotency-Key` and its stored response are kept. */
export const IDEMPOTENCY_TTL_HOURS = 24;
/** Longest `Idempotency-Key` accepted (Stripe's limit). */
export const IDEMPOTENCY_KEY_MAX_LENGTH = 255;
/**
 * A request still marked in flight after this long is taken to have died with its process (a scan
 * times out well before): a retry with the same key may then run it again.
 */
export const IDEMPOTENCY_IN_FLIGHT_SECONDS = 15 * 60;
/** How long a moderator's claim on a case lasts; the case page extends it while they stay on it. */
export const REVIEW_CLAIM_MS = 10 * 60 * 1000;
/** How often the case page extends its claim (well inside REVIEW_CLAIM_MS). */
export const REVIEW_CLAIM_HEARTBEAT_MS = 60 * 1000;
/** A decision can be undone this long after it was recorded; later it can only be amended. */
export const DECISION_UNDO_MS = 10 * 1000;
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
/** Largest request body of a batch detection (`POST /api/v1/detect/batch`): images inline or base64. */
export const MAX_BATCH_REQUEST_BYTES = 100 * 1024 * 1024;
/** Largest JSON body carrying one base64 image (base64 is 4/3 of the bytes) plus options. */
export const MAX_JSON_IMAGE_REQUEST_BYTES = Math.ceil((MAX_UPLOAD_BYTES * 4) / 3) + MULTIPART_OVERHEAD_BYTES;
/** Largest `metadata` object a detection echoes back, in bytes of its JSON. */
export const MAX_DETECT_METADATA_BYTES = 4 * 1024;
/** Redirects followed when fetching an image URL; each target is checked again. */
export const MAX_FETCH_REDIRECTS = 3;
/** Time allowed for fetching an image URL, redirects and body included. */
export const FETCH_TIMEOUT_MS = 10_000;
/** Cases one bulk action in the queue may touch: a page at its largest size. */
export const MAX_BULK_CASES = 200;
/** Images in one labelled set scored for the policy editor's ROC curve (lib/policies/score-labelled-set.ts). */
export const MAX_LABELLED_SET_FILES = 100;
/** Bytes of one labelled set in all: it travels in one server-action request (next.config.ts's body limit). */
export const MAX_LABELLED_SET_BYTES = MAX_UPLOAD_BYTES;

/** Most sha256 hashes one import into an image list takes (lib/lists/manage-lists.ts). */
export const MAX_HASHES_PER_IMPORT = 10_000;
/** Image retention (lib/cases/retention.ts): how often a worker sweeps, and the cases one sweep takes per policy. */
export const RETENTION_SWEEP_INTERVAL_MS = 10 * 60 * 1000;
export const RETENTION_SWEEP_BATCH = 500;
/** The longest retention a policy can set (ten years); a policy without one keeps images. */
export const MAX_RETENTION_DAYS = 3650;
/** The longest note on a case (lib/cases/case-notes.ts). */
export const MAX_CASE_NOTE_LENGTH = 2000;
