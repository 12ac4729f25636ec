// Pixel helpers shared by the pixel signals, one concern per file: transforms (luma, residual),
// pool (memoised planes per image, buffers reused), stats (block statistics, quantiles, numeric
// helpers), heatmap (palette PNGs of grids).
export * from "./heatmap";
export * from "./pool";
export * from "./stats";
export * from "./transforms";
