// The product's limits, defined once. The engine owns the image limits; the app adds its own here.
// Plain constants (no server imports): next.config.ts and client components read this file.
export { MAX_BYTES as MAX_UPLOAD_BYTES, MAX_BYTES_LABEL, MAX_SIDE } from "./detection/limits";
import { MAX_BYTES } from "./detection/limits";

/** Files per upload batch in the console (and per batch request in the API). */
export const MAX_FILES_PER_BATCH = 100;

/** Room for multipart boundaries and form fields around one image. */
export const MULTIPART_OVERHEAD_BYTES = 64 * 1024;

/** Largest request body that can carry one image (server actions and the REST API). */
export const MAX_REQUEST_BYTES = MAX_BYTES + MULTIPART_OVERHEAD_BYTES;
