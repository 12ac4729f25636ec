// Public API of the detection engine. Importable from plain Node (worker, CLIs) and from Next.
export { runDetection } from "./run-detection";
export { inspectImage, decodeImage, ANALYSIS_MAX_SIDE, MAX_BYTES, MAX_SIDE } from "./decode";
export { fuse } from "./fuse";
export { ENGINE_VERSION } from "./version";
export { signals } from "./signals";
export type * from "./types";
