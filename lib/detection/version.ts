// Bumped whenever decoding, the runner, heatmap geometry or fusion semantics change; stamped into
// every report. 1.1.0: heatmaps are rendered in display orientation (EXIF applied). 1.2.0: fusion
// reasons are worded in the direction each signal pushes.
export const ENGINE_VERSION = "loupe-engine-1.2.0";
