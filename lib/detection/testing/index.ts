// Test fixtures made by the engine's own code (no third-party images). The one import point for
// tests outside the engine; never imported by application code.
export * from "./fixtures";
export * from "./formats";
export { HEIF_ENC_MISSING, heifEncAvailable, makeHeic } from "./heic";
export * from "./hostile";
export { IPTC_DST, makeTestCa, signJpeg } from "./c2pa-fixtures";
export { makeGeneratorPng } from "./provenance-fixtures";
// The engine's RFC 4180 reader (its dataset CLI's), for tests that read back the CSV files Loupe writes.
export { parseCsv } from "../csv";
