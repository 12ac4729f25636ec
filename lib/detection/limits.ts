// Size limits of the engine, the one place they are defined. Plain constants with no imports, so
// next.config.ts and client components can read them too.

/** Largest file accepted, in bytes. */
export const MAX_BYTES = 20 * 1024 * 1024;
/** A side longer than this is refused ("over 8192×8192" read per side: 8193×1 is too large). */
export const MAX_SIDE = 8192;
/** Longest side of `DecodedImage.analysis`; pixel signals work at this size so cost stays bounded. */
export const ANALYSIS_MAX_SIDE = 1024;

/** "20 MB": the byte limit as people read it. */
export const MAX_BYTES_LABEL = `${MAX_BYTES / (1024 * 1024)} MB`;
