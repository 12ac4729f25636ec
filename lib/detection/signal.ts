// The signal plugin contract (CONTRIBUTING.md, "Detection signals"). A signal only reports findings with
// stable flag codes declared in `messages`; the runner (run-detection.ts) stamps ids, times each
// signal, turns flag codes into SignalFlag objects and isolates failures.
import type { ImageInfo, SignalResult } from "./types";

/** Interleaved 8-bit pixels. */
export interface RawImage {
  data: Buffer;
  width: number;
  height: number;
  channels: 1 | 3 | 4;
}

export interface DecodedImage {
  /** The original file bytes, untouched: byte-level signals read these. */
  bytes: Buffer;
  info: ImageInfo;
  /** EXIF orientation tag (1..8) if present; pixel buffers below are NOT rotated. */
  orientation: number | undefined;
  hasAlpha: boolean;
  /**
   * sRGB, 3 channels, alpha flattened on white, scaled so the longest side is at most
   * ANALYSIS_MAX_SIDE (never upscaled). Pixel-statistics signals use this so cost stays bounded.
   */
  analysis: RawImage;
  /** Scale factor analysis/original (≤ 1). */
  analysisScale: number;
  /** Full-resolution sRGB 3-channel pixels on the original grid (memoised, decoded on first call). */
  fullRes(): Promise<RawImage>;
}

export type FlagDirection = "ai" | "authentic" | "neutral";

export interface FlagMessage {
  message: string;
  direction: FlagDirection;
}

export type SignalMessages = Record<string, FlagMessage>;

export interface SignalOutput<Code extends string = string> {
  /** 0..1 evidence that the image is AI-generated, or null when the signal does not apply. */
  score: number | null;
  /** Codes must be keys of the signal's `messages`; `detail` is appended to the declared message. */
  flags: { code: Code; detail?: string }[];
  summary: string;
  heatmap?: { png: Buffer; label: string };
  details?: Record<string, unknown>;
  /** Set when score is null because the signal cannot run here (e.g. model file missing). */
  notApplicable?: boolean;
}

export interface SignalContext {
  /** Render heatmaps (false in eval/bench to save time). */
  heatmaps: boolean;
}

export interface SignalDefinition<M extends SignalMessages = SignalMessages> {
  id: string;
  version: string;
  /** One-line description for the evidence panel. */
  title: string;
  messages: M;
  run(image: DecodedImage, ctx: SignalContext): Promise<SignalOutput<Extract<keyof M, string>>>;
}

export function defineSignal<M extends SignalMessages>(def: SignalDefinition<M>): SignalDefinition<M> {
  return def;
}

export type { SignalResult };
