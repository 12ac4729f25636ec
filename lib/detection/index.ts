// Public API of the detection engine: the only module code outside lib/detection imports.
// Importable from plain Node (worker, CLIs) and from Next.
export { runDetection } from "./run-detection";
export { inspectImage, decodeImage, ANALYSIS_MAX_SIDE, MAX_BYTES, MAX_SIDE, type ImageFormat } from "./decode";
export { needsDisplayDerivative, renderDisplayImage, renderThumbnail, THUMBNAIL_SIDE } from "./display";
export { displaySize, storedPoint } from "./orientation";
export { differenceHash } from "./dhash";
export { fuse, FUSION_VERSION } from "./fuse";
export { ENGINE_VERSION } from "./version";
export { signals } from "./signals";
export { inspectModelFile, sidecarPath as modelSidecarPath, type ModelFileStatus } from "./ml/model-file";
export { detectionThreadStats, processDetectionPool } from "./thread/process-pool";
export type { DetectionPool } from "./thread/pool";
export type { DecodedImage, RawImage } from "./signal";
export type * from "./types";
