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
/** Cases one bulk action in the queue may touch: a page at its largest size. */
export const MAX_BULK_CASES = 200;
