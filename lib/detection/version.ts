// Bumped whenever decoding, the runner, heatmap geometry or fusion semantics change; stamped into
// every report. 1.1.0: heatmaps are rendered in display orientation (EXIF applied).
export const ENGINE_VERSION = "loupe-engine-1.1.0";
