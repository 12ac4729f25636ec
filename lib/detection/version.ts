// Bumped whenever decoding, the runner or fusion semantics change; stamped into every report.
export const ENGINE_VERSION = "loupe-engine-1.0.1";
