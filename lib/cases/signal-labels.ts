// How the console names each detection signal and reads its map. Plain data (client components import
// it). signal-labels.test.ts fails when the engine registers a signal this table does not label.

export type SignalId = "c2pa" | "metadata" | "watermark" | "ml" | "jpeg" | "ela" | "noise" | "frequency";

export interface SignalPresentation {
  /** A moderator's name for the signal. */
  label: string;
  /**
   * How its map relates to the picture: "spatial" maps lie over the image (each point is a place in
   * the photo); a "chart" (the frequency spectrum) is not a picture of the photo and is never laid over it.
   */
  map: "spatial" | "chart" | "none";
  /** CSS gradient of the map's colour scale, low to high, and what its ends mean. */
  legend?: { gradient: string; low: string; high: string; meaning: string };
}

/** The forensic maps' colour scale (lib/detection/pixels/heatmap.ts HEAT_PALETTE). */
const HEAT = "linear-gradient(to right, rgb(0,0,153), rgb(128,102,89), rgb(255,255,26), rgb(255,51,0))";
/** The detector's patch map (lib/detection/ml/heatmap.ts): blue authentic → grey → red AI. */
const ML = "linear-gradient(to right, rgb(0,0,255), rgb(128,64,128), rgb(255,0,0))";

export const SIGNAL_LABELS: Record<SignalId, SignalPresentation> = {
  c2pa: { label: "Content Credentials", map: "none" },
  metadata: { label: "Metadata", map: "none" },
  watermark: { label: "Invisible watermark", map: "none" },
  ml: {
    label: "AI detector",
    map: "spatial",
    legend: { gradient: ML, low: "likely authentic", high: "likely generated", meaning: "Red = likely generated, blue = likely authentic, per patch." },
  },
  jpeg: { label: "JPEG history", map: "none" },
  ela: {
    label: "Error levels",
    map: "spatial",
    legend: { gradient: HEAT, low: "consistent", high: "responds most", meaning: "Red = regions that respond most to re-compression (possible edits)." },
  },
  noise: {
    label: "Sensor noise",
    map: "spatial",
    legend: { gradient: HEAT, low: "cleaner", high: "noisier", meaning: "Red = noisier, blue = cleaner than the image's own noise model; yellow = as expected." },
  },
  frequency: {
    label: "Frequency spectrum",
    map: "chart",
    legend: { gradient: HEAT, low: "weak", high: "strong", meaning: "Centre = low frequencies; isolated dots and lines are periodic traces." },
  },
};

export function signalPresentation(id: string): SignalPresentation {
  return (SIGNAL_LABELS as Record<string, SignalPresentation | undefined>)[id] ?? { label: id, map: "none" };
}
