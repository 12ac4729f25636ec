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
